package dev.gantry.controlplane.model;

import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.RegionCatalog;
import java.util.SortedSet;
import dev.gantry.routing.WorkloadId;
import java.util.List;
import java.util.Map;

/**
 * What the control plane knows of workloads at one version. Immutable: every write produces a
 * new state with a higher version, and publishers translate whole states.
 *
 * @param version strictly increasing with every write
 * @param workspaces every workspace by id
 * @param workloads every workload by id
 * @param replicas every registered replica, in {@link Replica#ORDER}
 * @param routing legacy aliases and custom domains
 */
public record FleetState(
    long version,
    Map<String, Workspace> workspaces,
    Map<WorkloadId, Workload> workloads,
    List<Replica> replicas,
    Routing routing) {

  public FleetState {
    workspaces = Map.copyOf(workspaces);
    workloads = Map.copyOf(workloads);
    replicas = replicas.stream().sorted(Replica.ORDER).toList();
    java.util.Objects.requireNonNull(routing, "routing");
  }

  /** A state without aliases or custom domains. */
  public FleetState(
      long version, Map<String, Workspace> workspaces, Map<WorkloadId, Workload> workloads, List<Replica> replicas) {
    this(version, workspaces, workloads, replicas, Routing.NONE);
  }

  /** The empty state every store starts from. */
  public static FleetState empty() {
    return new FleetState(0, Map.of(), Map.of(), List.of());
  }

  /** The same state with other workloads and replicas: what most writes change. */
  public FleetState withWorkloads(Map<WorkloadId, Workload> nextWorkloads, List<Replica> nextReplicas) {
    return new FleetState(version, workspaces, nextWorkloads, nextReplicas, routing);
  }

  /** The same state with other workspaces. */
  public FleetState withWorkspaces(Map<String, Workspace> nextWorkspaces) {
    return new FleetState(version, nextWorkspaces, workloads, replicas, routing);
  }

  /** The same state with other aliases and custom domains. */
  public FleetState withRouting(Routing nextRouting) {
    return new FleetState(version, workspaces, workloads, replicas, nextRouting);
  }

  /** The same state under another version. */
  public FleetState withVersion(long nextVersion) {
    return new FleetState(nextVersion, workspaces, workloads, replicas, routing);
  }

  /** The policy of workspace {@code id}; a workspace nobody configured has none. */
  public LocationPolicy workspacePolicy(String id) {
    Workspace workspace = workspaces.get(id);
    return workspace == null ? LocationPolicy.ANY : workspace.policy();
  }

  /** The regions every policy of {@code workload} allows: its workspace's and its own. */
  public SortedSet<String> allowedRegions(RegionCatalog catalog, Workload workload) {
    return LocationPolicy.allowedRegions(catalog, workspacePolicy(workload.id().workspace()), workload.policy());
  }

  /** Workloads sorted by id, for deterministic output. */
  public List<Workload> sortedWorkloads() {
    // Each id's text made once, not at every comparison.
    return workloads.values().stream()
        .map(w -> Map.entry(w.id().toString(), w))
        .sorted(Map.Entry.comparingByKey())
        .map(Map.Entry::getValue)
        .toList();
  }
}
