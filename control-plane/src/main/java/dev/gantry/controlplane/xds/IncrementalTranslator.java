package dev.gantry.controlplane.xds;

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
 * the same resources, the same versions — but rebuilding only what changed since the region's
 * previous snapshot: a workload whose inputs (the workload, its workspace's location policy, its
 * replicas' addresses) are those of last time keeps its clusters and endpoints, hashed already.
 * A write touching one workload rebuilds that workload's resources and the few no workload
 * decides (listeners, routes); the clusters and endpoints of a snapshot are the previous one's
 * with the changes applied ({@link ShardedMap}, {@link ResourceSetHash}), so consecutive
 * snapshots, and the publisher's history of them, share everything else. What remains in
 * proportion to the fleet is one pass over its workloads comparing their inputs.
 *
 * <p>Not thread-safe: one caller at a time (the publisher's executor).
 */
final class IncrementalTranslator {

  private final XdsTranslator translator;
  /** Per region: what its previous snapshot was made of. */
  private final Map<String, Region> previous = new HashMap<>();
  /**
   * Each workload's clusters, the same at every region's gateways: built once for all regions,
   * with what they are made from. An entry is replaced when its workload's inputs change, and
   * removed with its workload.
   */
  private final Map<WorkloadId, SharedClusters> clustersByWorkload = new HashMap<>();
  /** The replicas of the state translated last, by workload and region: the same for every region. */
  private FleetState replicasOf;
  private Map<WorkloadId, Map<String, List<HostPort>>> replicas;

  /**
   * What a workload's resources at one region are made from: equal inputs, equal resources
   * (the regions it may be served from follow from its policy, in the workload, and its
   * workspace's).
   */
  private record Inputs(Workload workload, LocationPolicy workspacePolicy, Map<String, List<HostPort>> replicasByRegion) {}

  private record SharedClusters(Workload workload, LocationPolicy workspacePolicy, List<HashedResource<Cluster>> clusters) {}

  private record Translated(
      Inputs inputs, List<HashedResource<Cluster>> clusters, List<HashedResource<ClusterLoadAssignment>> endpoints) {}

  /** A region's previous snapshot: each workload's resources, and the clusters and endpoints of all. */
  private record Region(
      Map<WorkloadId, Translated> workloads,
      List<HashedResource<Cluster>> fixedClusters,
      Changes<Cluster> clusters,
      Changes<ClusterLoadAssignment> endpoints) {

    static final Region EMPTY = new Region(Map.of(), List.of(), Changes.none(), Changes.none());
  }

  IncrementalTranslator(XdsTranslator translator) {
    this.translator = translator;
  }

  /** The snapshot of {@code state} for {@code region}'s gateways, serving {@code edge} over HTTPS. */
  ContentVersionedSnapshot snapshot(FleetState state, EdgeCertificates edge, String region) {
    GatewayResources fixed = translator.fixed(state, edge, region);
    Region before = previous.getOrDefault(region, Region.EMPTY);
    Map<WorkloadId, Translated> workloads = HashMap.newHashMap(state.workloads().size());
    Changes<Cluster> clusters = before.clusters().next();
    Changes<ClusterLoadAssignment> endpoints = before.endpoints().next();
    List<HashedResource<Cluster>> fixedClusters = hashed(fixed.clusters());
    clusters.removeAll(before.fixedClusters());
    clusters.addAll(fixedClusters);
    Map<WorkloadId, Map<String, List<HostPort>>> replicasByWorkload = replicasByWorkload(state);
    int kept = 0;
    for (Workload workload : state.workloads().values()) {
      Inputs inputs = new Inputs(workload, state.workspacePolicy(workload.id().workspace()),
          replicasByWorkload.getOrDefault(workload.id(), Map.of()));
      Translated translated = before.workloads().get(workload.id());
      if (translated != null) {
        kept++;
      }
      if (translated == null || !translated.inputs().equals(inputs)) {
        if (translated != null) {
          clusters.removeAll(translated.clusters());
          endpoints.removeAll(translated.endpoints());
        }
        translated = translate(state, region, inputs);
        clusters.addAll(translated.clusters());
        endpoints.addAll(translated.endpoints());
      }
      workloads.put(workload.id(), translated);
    }
    if (kept < before.workloads().size()) { // some workload is gone
      before.workloads().forEach((id, gone) -> {
        if (!state.workloads().containsKey(id)) {
          clusters.removeAll(gone.clusters());
          endpoints.removeAll(gone.endpoints());
          clustersByWorkload.remove(id);
        }
      });
    }
    Region after = new Region(workloads, fixedClusters, clusters.applied(), endpoints.applied());
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

  private Map<WorkloadId, Map<String, List<HostPort>>> replicasByWorkload(FleetState state) {
    if (replicasOf != state) {
      replicas = XdsTranslator.replicasByWorkload(state);
      replicasOf = state;
    }
    return replicas;
  }

  private Translated translate(FleetState state, String region, Inputs inputs) {
    Workload workload = inputs.workload();
    SortedSet<String> allowed = translator.allowedRegions(state, workload);
    SharedClusters shared = clustersByWorkload.get(workload.id());
    if (shared == null || !shared.workload().equals(workload) || !shared.workspacePolicy().equals(inputs.workspacePolicy())) {
      shared = new SharedClusters(workload, inputs.workspacePolicy(), hashed(translator.clusters(workload, allowed)));
      clustersByWorkload.put(workload.id(), shared);
    }
    return new Translated(inputs, shared.clusters(),
        hashed(translator.endpoints(region, workload, allowed, inputs.replicasByRegion())));
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
