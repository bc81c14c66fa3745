package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The workloads whose gateway resources may differ between two fleet states: those whose inputs
 * — the workload, its workspace's location policy, its replicas' addresses — are not the same in
 * both, and those gone. Found in one pass of lookups over the later state's workloads ({@link
 * FleetState#workloadsSince}) and one over the workloads with replicas, when the replicas are
 * not the same; nothing when the two states share their workloads, workspaces and replicas. Pure.
 *
 * @param changed the later state's workloads to translate again (new ones among them)
 * @param gone the ids of the earlier state's workloads the later one no longer has
 */
record WorkloadChanges(List<Workload> changed, List<WorkloadId> gone) {

  /** Every workload of {@code to}: nothing was translated before. */
  static WorkloadChanges all(FleetState to) {
    return new WorkloadChanges(List.copyOf(to.workloads().values()), List.of());
  }

  /**
   * From {@code from} to {@code to}, given each state's replicas by workload and region (as
   * {@link XdsTranslator#replicasByWorkload} makes them; the same map when the replicas are).
   */
  static WorkloadChanges between(
      FleetState from, Map<WorkloadId, Map<String, List<HostPort>>> replicasFrom,
      FleetState to, Map<WorkloadId, Map<String, List<HostPort>>> replicasTo) {
    FleetState.WorkloadDiff workloads = to.workloadsSince(from);
    if (replicasFrom == replicasTo) {
      return new WorkloadChanges(workloads.changed(), workloads.gone());
    }
    List<Workload> changed = new ArrayList<>(workloads.changed());
    Set<WorkloadId> changedIds = new HashSet<>();
    changed.forEach(w -> changedIds.add(w.id()));
    Set<WorkloadId> withReplicas = new HashSet<>(replicasFrom.keySet());
    withReplicas.addAll(replicasTo.keySet());
    for (WorkloadId id : withReplicas) {
      Workload workload = to.workloads().get(id);
      if (workload != null && !changedIds.contains(id) && !Objects.equals(replicasFrom.get(id), replicasTo.get(id))) {
        changed.add(workload);
      }
    }
    return new WorkloadChanges(changed, workloads.gone());
  }
}
