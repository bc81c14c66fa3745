package dev.gantry.authz.model;

import dev.gantry.routing.Affinity;
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
 * @param headers request headers the workload's own settings add on allow (computed once, when
 *     the snapshot arrives), each named {@code x-gantry-...}
 * @param affinity the header or cookie whose value keeps its requests on one replica; null for none
 * @param previews a sandbox's ports reachable by preview URLs, by port
 * @param metering how its responses' usage is metered; null when it is not
 */
public record WorkloadEntry(
    WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
    boolean forwardCredential, java.util.Map<String, String> headers, Affinity affinity,
    java.util.Map<Integer, PreviewEntry> previews, dev.gantry.routing.Metering metering) {

  public WorkloadEntry {
    regions = Set.copyOf(regions);
    allowedRegions = Set.copyOf(allowedRegions);
    headers = java.util.Map.copyOf(headers);
    previews = java.util.Map.copyOf(previews);
  }

  /** A workload that is not metered. */
  public WorkloadEntry(
      WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
      boolean forwardCredential, java.util.Map<String, String> headers, Affinity affinity,
      java.util.Map<Integer, PreviewEntry> previews) {
    this(id, isPublic, regions, allowedRegions, policy, forwardCredential, headers, affinity, previews, null);
  }

  /** A workload without preview ports. */
  public WorkloadEntry(
      WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
      boolean forwardCredential, java.util.Map<String, String> headers, Affinity affinity) {
    this(id, isPublic, regions, allowedRegions, policy, forwardCredential, headers, affinity, java.util.Map.of());
  }

  /** A workload without affinity. */
  public WorkloadEntry(
      WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
      boolean forwardCredential, java.util.Map<String, String> headers) {
    this(id, isPublic, regions, allowedRegions, policy, forwardCredential, headers, null);
  }

  /** A workload without headers of its own. */
  public WorkloadEntry(
      WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy,
      boolean forwardCredential) {
    this(id, isPublic, regions, allowedRegions, policy, forwardCredential, java.util.Map.of());
  }

  /** A workload that gets identity headers only. */
  public WorkloadEntry(WorkloadId id, boolean isPublic, Set<String> regions, Set<String> allowedRegions, String policy) {
    this(id, isPublic, regions, allowedRegions, policy, false);
  }

  /** The same workload, allowed in other regions (its placement, derived by the control plane). */
  public WorkloadEntry withPlacement(Set<String> nextAllowedRegions, String nextPolicy) {
    return new WorkloadEntry(id, isPublic, regions, nextAllowedRegions, nextPolicy, forwardCredential, headers, affinity,
        previews, metering);
  }

  /** A workload allowed everywhere. */
  public WorkloadEntry(WorkloadId id, boolean isPublic, Set<String> regions) {
    this(id, isPublic, regions, regions, "any region");
  }
}
