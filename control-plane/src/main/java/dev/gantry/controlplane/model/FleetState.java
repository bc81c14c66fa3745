package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.RegionCatalog;
import java.util.SortedSet;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * What the control plane knows of workloads at one version. Immutable: every write produces a
 * new state with a higher version. A state made from another shares what the write did not
 * change (the same map or list object), so readers comparing two states skip the parts they
 * share and find the rest's changes by identity first.
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
    workloads = ShardedMap.of(workloads);
    replicas = SortedReplicas.of(replicas);
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

  /** The same state with {@code workload} added or replaced: shares every other workload. */
  public FleetState withWorkload(Workload workload) {
    return new FleetState(version, workspaces,
        ShardedMap.of(workloads).with(List.of(), Map.of(workload.id(), workload)), replicas, routing);
  }

  /** The same state without workload {@code id} (its replicas left as they are): shares every other workload. */
  public FleetState withoutWorkload(WorkloadId id) {
    return new FleetState(version, workspaces, ShardedMap.of(workloads).with(List.of(id), Map.of()), replicas, routing);
  }

  /** The same state with {@code replica} too (the same state when it has it). */
  public FleetState withReplica(Replica replica) {
    SortedReplicas next = ((SortedReplicas) replicas).with(replica);
    return next == replicas ? this : new FleetState(version, workspaces, workloads, next, routing);
  }

  /** The same state without {@code replica} (the same state when it has it not). */
  public FleetState withoutReplica(Replica replica) {
    SortedReplicas next = ((SortedReplicas) replicas).without(replica);
    return next == replicas ? this : new FleetState(version, workspaces, workloads, next, routing);
  }

  /** The same state without the replicas {@code gone} says are (the same state when none is). */
  public FleetState withoutReplicas(java.util.function.Predicate<Replica> gone) {
    SortedReplicas next = ((SortedReplicas) replicas).without(gone);
    return next == replicas ? this : new FleetState(version, workspaces, workloads, next, routing);
  }

  /** Whether {@code replica} is registered. */
  public boolean hasReplica(Replica replica) {
    return ((SortedReplicas) replicas).has(replica);
  }

  /** The addresses of {@code workload}'s replicas by region, each region's in {@link Replica#ORDER}. */
  public Map<String, List<HostPort>> replicasByRegion(WorkloadId workload) {
    return ((SortedReplicas) replicas).byRegion(workload);
  }

  /**
   * The workloads with a replica here and not in {@code before}, or there and not here: one walk
   * over both lists, mostly comparing references (nothing when they are the same list).
   */
  public Set<WorkloadId> replicasMovedSince(FleetState before) {
    return SortedReplicas.workloadsDiffering((SortedReplicas) before.replicas, (SortedReplicas) replicas);
  }

  /**
   * The replicas here and not in {@code before}, or there and not here, in {@link Replica#ORDER}:
   * one walk over both lists, as {@link #replicasMovedSince}.
   */
  public List<Replica> replicasDifferingFrom(FleetState before) {
    return SortedReplicas.differing((SortedReplicas) before.replicas, (SortedReplicas) replicas);
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

  /**
   * How this state's workloads differ from {@code before}'s.
   *
   * @param changed this state's workloads that {@code before} has not, or not equal, or whose
   *     workspace's location policy is another
   * @param gone the ids of {@code before}'s workloads this state has not
   */
  public record WorkloadDiff(List<Workload> changed, List<WorkloadId> gone) {

    public WorkloadDiff {
      changed = List.copyOf(changed);
      gone = List.copyOf(gone);
    }
  }

  /**
   * How this state's workloads differ from {@code before}'s, found in one pass of lookups (a
   * workload that is the same object in both needs no comparison; two states sharing their
   * workloads and workspaces need no pass), once for all who ask about the same two states.
   */
  public WorkloadDiff workloadsSince(FleetState before) {
    java.util.concurrent.CompletableFuture<WorkloadDiff> diff;
    boolean finding;
    synchronized (SINCE) {
      Since last = SINCE.last;
      finding = last == null || last.before() != before || last.after() != this;
      if (finding) {
        SINCE.last = new Since(before, this, new java.util.concurrent.CompletableFuture<>());
      }
      diff = SINCE.last.diff();
    }
    if (finding) {
      try {
        diff.complete(diff(before));
      } catch (RuntimeException | Error e) {
        diff.completeExceptionally(e);
        throw e;
      }
    }
    return diff.join();
  }

  /**
   * The diff asked for last: as a write lands, each of the store's subscribers (the sidecars'
   * snapshot, the gateways' translation) asks for the same one, at the same time — the first
   * finds it, the others wait for it rather than find it again on the same cores. Found outside
   * the lock: who asks for another pair never waits for this one.
   */
  private record Since(FleetState before, FleetState after, java.util.concurrent.CompletableFuture<WorkloadDiff> diff) {}

  private static final class LastSince {
    private Since last;
  }

  private static final LastSince SINCE = new LastSince();

  private WorkloadDiff diff(FleetState before) {
    Set<String> policyMoved = policyMovedSince(before);
    if (before.workloads == workloads && policyMoved.isEmpty()) {
      return new WorkloadDiff(List.of(), List.of());
    }
    List<Workload> changed = new ArrayList<>();
    List<WorkloadId> gone = new ArrayList<>();
    if (policyMoved.isEmpty()) {
      // Only the workloads in the shards the two maps do not share can differ.
      for (WorkloadId id : ShardedMap.keysDiffering(shardedWorkloads(before), shardedWorkloads(this))) {
        Workload workload = workloads.get(id);
        if (workload == null) {
          gone.add(id);
        } else if (!workload.equals(before.workloads.get(id))) {
          changed.add(workload);
        }
      }
      return new WorkloadDiff(changed, gone);
    }
    int kept = 0;
    for (Workload workload : workloads.values()) {
      Workload was = before.workloads.get(workload.id());
      if (was != null) {
        kept++;
      }
      if ((was != workload && !workload.equals(was)) || policyMoved.contains(workload.id().workspace())) {
        changed.add(workload);
      }
    }
    if (kept < before.workloads.size()) {
      before.workloads.keySet().forEach(id -> {
        if (!workloads.containsKey(id)) {
          gone.add(id);
        }
      });
    }
    return new WorkloadDiff(changed, gone);
  }

  @SuppressWarnings("unchecked")
  private static ShardedMap<WorkloadId, Workload> shardedWorkloads(FleetState state) {
    return (ShardedMap<WorkloadId, Workload>) state.workloads;
  }

  /** The workspaces whose location policy is not the same here as in {@code before}. */
  private Set<String> policyMovedSince(FleetState before) {
    if (before.workspaces == workspaces) {
      return Set.of();
    }
    Set<String> ids = new HashSet<>(before.workspaces.keySet());
    ids.addAll(workspaces.keySet());
    Set<String> moved = new HashSet<>();
    for (String id : ids) {
      if (!before.workspacePolicy(id).equals(workspacePolicy(id))) {
        moved.add(id);
      }
    }
    return moved;
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
