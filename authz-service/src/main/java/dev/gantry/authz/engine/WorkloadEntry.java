package dev.gantry.authz.engine;

import dev.gantry.routing.WorkloadId;
import java.util.Set;

/**
 * A workload as the decision sees it.
 *
 * @param id the workload
 * @param isPublic reachable without credentials
 * @param regions regions it is deployed to
 */
public record WorkloadEntry(WorkloadId id, boolean isPublic, Set<String> regions) {

  public WorkloadEntry {
    regions = Set.copyOf(regions);
  }
}
