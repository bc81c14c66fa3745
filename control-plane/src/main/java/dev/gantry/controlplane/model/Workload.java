package dev.gantry.controlplane.model;

import dev.gantry.routing.WorkloadId;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A workload and where it is deployed.
 *
 * @param id the workload, e.g. {@code agt-echo-demo}
 * @param isPublic reachable without credentials
 * @param regions the regions it is deployed to, sorted
 */
public record Workload(WorkloadId id, boolean isPublic, SortedSet<String> regions) {

  public Workload {
    Objects.requireNonNull(id, "id");
    regions = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(regions));
  }
}
