package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.ShardedMap;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Workload;
import com.google.protobuf.Message;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Each region's snapshot of a fleet state, translated as {@link XdsTranslator#translate} does —
 * the same resources, the same versions — but rebuilding only what changed since the state the
 * region's previous snapshot was made from: {@link WorkloadChanges} names the workloads whose
 * inputs (the workload, its workspace's location policy, its replicas' addresses) differ, and
 * only their clusters and endpoints are built again, with the few resources no workload decides
 * (listeners, routes). Everything a snapshot holds is the previous one's with the changes applied
 * ({@link ShardedMap}, {@link ResourceSetHash}), so consecutive snapshots, and the publisher's
 * history of them, share everything else. What remains in proportion to the fleet is one pass
 * of lookups over its workloads, made once for every region translating the same two states.
 *
 * <p>Not thread-safe: one caller at a time (the publisher's executor).
 */
final class IncrementalTranslator {

  /** More changed workloads than this, and their replicas are looked up in one map of all. */
  private static final int BULK = 1_000;

  private final XdsTranslator translator;
  /** Per region: what its previous snapshot was made of. */
  private final Map<String, Region> previous = new HashMap<>();
  /**
   * Each workload's clusters, the same at every region's gateways: built once for all regions,
   * with what they are made from. An entry is replaced when its workload's inputs change, and
   * removed with its workload.
   */
  private final Map<WorkloadId, SharedClusters> clustersByWorkload = new HashMap<>();
  /** The changes found last, between which two states: regions translating the same pair share them. */
  private FleetState changesFrom;
  private FleetState changesTo;
  private WorkloadChanges changes;
  /** Every workload's replicas, of which replica list: kept for the regions of a cold build. */
  private List<?> allReplicasOf;
  private Map<WorkloadId, Map<String, List<HostPort>>> allReplicas;

  private record SharedClusters(Workload workload, LocationPolicy workspacePolicy, List<HashedResource<Cluster>> clusters) {}

  private record Translated(List<HashedResource<Cluster>> clusters, List<HashedResource<ClusterLoadAssignment>> endpoints) {}

  /**
   * A region's previous snapshot: the state it was made from, each workload's resources, and the
   * clusters and endpoints of all.
   */
  private record Region(
      FleetState state,
      ShardedMap<WorkloadId, Translated> workloads,
      List<HashedResource<Cluster>> fixedClusters,
      Changes<Cluster> clusters,
      Changes<ClusterLoadAssignment> endpoints) {

    static final Region EMPTY = new Region(null, ShardedMap.empty(), List.of(), Changes.none(), Changes.none());
  }

  IncrementalTranslator(XdsTranslator translator) {
    this.translator = translator;
  }

  /** The snapshot of {@code state} for {@code region}'s gateways, serving {@code edge} over HTTPS. */
  ContentVersionedSnapshot snapshot(FleetState state, EdgeCertificates edge, String region) {
    GatewayResources fixed = translator.fixed(state, edge, region);
    Region before = previous.getOrDefault(region, Region.EMPTY);
    Changes<Cluster> clusters = before.clusters().next();
    Changes<ClusterLoadAssignment> endpoints = before.endpoints().next();
    List<HashedResource<Cluster>> fixedClusters = hashed(fixed.clusters());
    clusters.removeAll(before.fixedClusters());
    clusters.addAll(fixedClusters);
    WorkloadChanges changed = changes(before.state(), state);
    // A workload's replicas: one pass over all of them when many workloads changed (a cold
    // build), a binary search per workload when few did.
    Map<WorkloadId, Map<String, List<HostPort>>> allReplicas =
        changed.changed().size() > BULK ? allReplicas(state) : null;
    List<WorkloadId> removed = new ArrayList<>(changed.gone());
    Map<WorkloadId, Translated> added = new HashMap<>();
    for (WorkloadId id : changed.gone()) {
      Translated gone = before.workloads().get(id);
      if (gone != null) {
        clusters.removeAll(gone.clusters());
        endpoints.removeAll(gone.endpoints());
      }
      clustersByWorkload.remove(id);
    }
    for (Workload workload : changed.changed()) {
      Translated was = before.workloads().get(workload.id());
      if (was != null) {
        clusters.removeAll(was.clusters());
        endpoints.removeAll(was.endpoints());
      }
      Translated translated = translate(state, region, workload, allReplicas == null
          ? state.replicasByRegion(workload.id())
          : allReplicas.getOrDefault(workload.id(), Map.of()));
      clusters.addAll(translated.clusters());
      endpoints.addAll(translated.endpoints());
      added.put(workload.id(), translated);
    }
    Region after = new Region(state, before.workloads().with(removed, added), fixedClusters,
        clusters.applied(), endpoints.applied());
    ContentVersionedSnapshot snapshot = ContentVersionedSnapshot.of(
        after.clusters().resources(),
        after.endpoints().resources(),
        TypeResources.of(hashed(fixed.listeners())),
        TypeResources.of(hashed(fixed.routes())),
        TypeResources.of(hashed(fixed.secrets())));
    // Kept only once the whole region translated: a failure leaves the previous translation.
    previous.put(region, after);
    return snapshot;
  }

  /** Every workload's replicas by region, made once for every region translating the same replicas. */
  private Map<WorkloadId, Map<String, List<HostPort>>> allReplicas(FleetState state) {
    if (allReplicasOf != state.replicas()) {
      allReplicas = XdsTranslator.replicasByWorkload(state);
      allReplicasOf = state.replicas();
    }
    return allReplicas;
  }

  /** The workloads to translate again from {@code from} (none: nothing translated yet) to {@code to}. */
  private WorkloadChanges changes(FleetState from, FleetState to) {
    if (from == null) {
      return WorkloadChanges.all(to);
    }
    if (from != changesFrom || to != changesTo) {
      changes = WorkloadChanges.between(from, to);
      changesFrom = from;
      changesTo = to;
    }
    return changes;
  }

  private Translated translate(FleetState state, String region, Workload workload, Map<String, List<HostPort>> replicasByRegion) {
    SortedSet<String> allowed = translator.allowedRegions(state, workload);
    LocationPolicy workspacePolicy = state.workspacePolicy(workload.id().workspace());
    SharedClusters shared = clustersByWorkload.get(workload.id());
    if (shared == null || !shared.workload().equals(workload) || !shared.workspacePolicy().equals(workspacePolicy)) {
      shared = new SharedClusters(workload, workspacePolicy, hashed(translator.clusters(workload, allowed)));
      clustersByWorkload.put(workload.id(), shared);
    }
    return new Translated(shared.clusters(), hashed(translator.endpoints(region, workload, allowed, replicasByRegion)));
  }

  private static <T extends Message> List<HashedResource<T>> hashed(List<T> resources) {
    return resources.stream().map(HashedResource::of).toList();
  }

  /**
   * One type's resources in a region's snapshot, and the changes that make the next one: names
   * removed, resources added, and the set's hash kept up to date with both.
   */
  private static final class Changes<T extends Message> {
    private final ShardedMap<String, VersionedResource<T>> current;
    private ResourceSetHash hash;
    private final List<String> removed = new ArrayList<>();
    private final Map<String, VersionedResource<T>> added = new HashMap<>();

    private Changes(ShardedMap<String, VersionedResource<T>> current, ResourceSetHash hash) {
      this.current = current;
      this.hash = hash;
    }

    static <T extends Message> Changes<T> none() {
      return new Changes<>(ShardedMap.empty(), ResourceSetHash.EMPTY);
    }

    /** A fresh set of changes from these resources. */
    Changes<T> next() {
      return new Changes<>(current, hash);
    }

    void removeAll(List<HashedResource<T>> resources) {
      for (HashedResource<T> resource : resources) {
        // ShardedMap.with applies removals before additions: a name removed and then added again
        // is there, one added and then removed is not.
        added.remove(resource.name());
        removed.add(resource.name());
        hash = hash.minus(resource);
      }
    }

    void addAll(List<HashedResource<T>> resources) {
      for (HashedResource<T> resource : resources) {
        added.put(resource.name(), resource.versioned());
        hash = hash.plus(resource);
      }
    }

    /** The resources with every change applied, as the start of the next changes. */
    Changes<T> applied() {
      return new Changes<>(current.with(removed, added), hash);
    }

    TypeResources<T> resources() {
      return new TypeResources<>(current, hash);
    }
  }
}
