package dev.gantry.routing;

/**
 * Names of the Envoy clusters the control plane publishes and the authz-service names in its
 * answers. Both sides build them here so they always agree.
 */
public final class ClusterNames {

  /** The cluster of the local authz-service sidecar. */
  public static final String AUTHZ = "gantry-authz";

  private ClusterNames() {}

  /** The cluster of a workload's replicas in one region: {@code agt-echo-demo@eu-lon-1}. */
  public static String workload(WorkloadId workload, String region) {
    return workload + "@" + region;
  }
}
