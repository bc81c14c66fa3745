package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The workloads whose gateway resources may differ between two fleet states: those whose inputs
 * — the workload, its workspace's location policy, its replicas' addresses — are not the same in
 * both, and those gone. Found in one pass of lookups over the later state's workloads ({@link
 * FleetState#workloadsSince}) and one walk over both replica lists ({@link
 * FleetState#replicasMovedSince}); nothing when the two states share their workloads, workspaces
 * and replicas. Pure.
 *
 * @param changed the later state's workloads to translate again (new ones among them)
 * @param gone the ids of the earlier state's workloads the later one no longer has
 */
record WorkloadChanges(List<Workload> changed, List<WorkloadId> gone) {

  /** Every workload of {@code to}: nothing was translated before. */
  static WorkloadChanges all(FleetState to) {
    return new WorkloadChanges(List.copyOf(to.workloads().values()), List.of());
  }

  /** From {@code from} to {@code to}. */
  static WorkloadChanges between(FleetState from, FleetState to) {
    FleetState.WorkloadDiff workloads = to.workloadsSince(from);
    Set<WorkloadId> replicasMoved = to.replicasMovedSince(from);
    if (replicasMoved.isEmpty()) {
      return new WorkloadChanges(workloads.changed(), workloads.gone());
    }
    List<Workload> changed = new ArrayList<>(workloads.changed());
    Set<WorkloadId> changedIds = new HashSet<>();
    changed.forEach(w -> changedIds.add(w.id()));
    for (WorkloadId id : replicasMoved) {
      Workload workload = to.workloads().get(id);
      if (workload != null && !changedIds.contains(id)) {
        changed.add(workload);
      }
    }
    return new WorkloadChanges(changed, workloads.gone());
  }
}
