package dev.gantry.routing;

import java.util.SortedSet;

/**
 * Names of the Envoy clusters the control plane publishes and the authz-service names in its
 * answers. Both sides build them here so they always agree.
 *
 * <p>A workload's cluster is named by the workload and its <em>target region set</em>, the
 * regions a request may be served from: {@code agt-echo-demo@eu-lon-1} or {@code
 * agt-echo-demo@eu-lon-1+eu-par-1} (ids sorted). Every gateway has its own clusters under these
 * names: at a gateway inside the set, the local replicas come first and the other regions'
 * gateways follow; at a gateway outside it, only the set's gateways, nearest first. So the
 * single-region name at its own region is exactly the local replicas.
 */
public final class ClusterNames {

  /** The cluster of the local authz-service sidecar. */
  public static final String AUTHZ = "gantry-authz";

  /** Separates the workload from its region set. */
  public static final char WORKLOAD_SEPARATOR = '@';

  /** Separates the regions of a set. */
  public static final char REGION_SEPARATOR = '+';

  private ClusterNames() {}

  /** The cluster of a workload's replicas in one region: {@code agt-echo-demo@eu-lon-1}. */
  public static String workload(WorkloadId workload, String region) {
    return workload.toString() + WORKLOAD_SEPARATOR + region;
  }

  /** Separates a preview's port from its sandbox: {@code 3000--sbx-box-demo}. */
  public static final String PREVIEW_SEPARATOR = "--";

  /**
   * The cluster serving port {@code port} of sandbox {@code workload} (a preview) from the
   * regions of {@code targets}: {@code 3000--sbx-box-demo@eu-par-1}.
   */
  public static String preview(WorkloadId workload, int port, SortedSet<String> targets) {
    return port + PREVIEW_SEPARATOR + workload(workload, targets);
  }

  /** As above, in one region. */
  public static String preview(WorkloadId workload, int port, String region) {
    return port + PREVIEW_SEPARATOR + workload(workload, region);
  }

  /** The cluster serving {@code workload} from the regions of {@code targets} (not empty). */
  public static String workload(WorkloadId workload, SortedSet<String> targets) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one region");
    }
    StringBuilder name = new StringBuilder(48).append(workload).append(WORKLOAD_SEPARATOR);
    boolean first = true;
    for (String region : targets) {
      if (!first) {
        name.append(REGION_SEPARATOR);
      }
      name.append(region);
      first = false;
    }
    return name.toString();
  }
}
