package dev.gantry.authz.engine;

import dev.gantry.routing.WorkloadId;
import java.util.Set;

/**
 * A workload as the decision sees it.
 *
 * @param id the workload
 * @param isPublic reachable without credentials
 * @param regions regions it is deployed to
 * @param allowedRegions regions its location policies allow (workspace's and its own)
 * @param policy the policies in words, for deny messages
 * @param forwardCredential the workload asked for the raw credential: it is not removed
 */
public record WorkloadEntry(
    WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
    boolean forwardCredential) {

  public WorkloadEntry {
    regions = Set.copyOf(regions);
    allowedRegions = Set.copyOf(allowedRegions);
  }

  /** A workload that gets identity headers only. */
  public WorkloadEntry(WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy) {
    this(id, isPublic, regions, allowedRegions, policy, false);
  }

  /** A workload allowed everywhere. */
  public WorkloadEntry(WorkloadId id, boolean isPublic, Set<String> regions) {
    this(id, isPublic, regions, regions, "any region");
  }
}
