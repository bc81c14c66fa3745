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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Each region's snapshot of a fleet state, translated as {@link XdsTranslator#translate} does —
 * the same resources, the same versions — but rebuilding only what changed since the state the
 * region's previous snapshot was made from: {@link WorkloadChanges} names the workloads whose
 * inputs (the workload, its workspace's location policy, its replicas' addresses) differ, and
 * only their clusters and endpoints are built again, with the few resources no workload decides
 * (listeners, routes). Everything a snapshot holds is the previous one's with the changes applied
 * ({@link ShardedMap}, {@link ResourceSetHash}), so consecutive snapshots, and the publisher's
 * history of them, share everything else.
 *
 * <p>Regions are translated side by side on the executor given (a cold build translates every
 * workload for every region: on a machine of two cores, two at a time); a workload's clusters,
 * the same in every region, are built once by whichever region needs them first.
 *
 * <p>{@link #snapshots} is called by one thread at a time (the publisher's).
 */
final class IncrementalTranslator {

  /** More changed workloads than this, and their replicas are looked up in one map of all. */
  private static final int BULK = 1_000;

  private final XdsTranslator translator;
  private final Executor regionWork;
  /** Per region: what its previous snapshot was made of. Touched by the calling thread only. */
  private final Map<String, Region> previous = new HashMap<>();
  /**
   * Each workload's clusters, the same at every region's gateways: built once for all regions,
   * with what they are made from. An entry is replaced when its workload's inputs change, and
   * removed with its workload. Read and written by the regions' translations side by side.
   */
  private final ConcurrentHashMap<WorkloadId, SharedClusters> clustersByWorkload = new ConcurrentHashMap<>();
  /**
   * The changes found last, between which two states (from null: nothing translated yet):
   * regions translating the same pair share them, a cold build's every workload included.
   */
  private FleetState changesFrom;
  private FleetState changesTo;
  private WorkloadChanges changes;
  /** Every workload's replicas, of which replica list: kept for the regions of a cold build. */
  private List<?> allReplicasOf;
  private Map<WorkloadId, Map<String, List<HostPort>>> allReplicas;

  /** A workload's target sets and their clusters, and what they were made from. */
  private record SharedClusters(
      Workload workload, LocationPolicy workspacePolicy, List<SortedSet<String>> targetSets, List<HashedResource<Cluster>> clusters) {

    boolean madeFrom(Workload other, LocationPolicy otherPolicy) {
      return (workload == other || workload.equals(other)) && workspacePolicy.equals(otherPolicy);
    }
  }

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

  /** A region's translation: its snapshot, or the failure that left it without one. */
  record Translation(ContentVersionedSnapshot snapshot, RuntimeException failure) {}

  /** What a region's translation made: its next {@link Region} and the snapshot of it. */
  private record Made(Region region, ContentVersionedSnapshot snapshot) {}

  /** A translator of one region after the other, on the calling thread. */
  IncrementalTranslator(XdsTranslator translator) {
    this(translator, Runnable::run);
  }

  /**
   * @param regionWork runs each region's translation; regions run side by side as far as it has
   *     threads. Owned by the caller.
   */
  IncrementalTranslator(XdsTranslator translator, Executor regionWork) {
    this.translator = translator;
    this.regionWork = regionWork;
  }

  /** The snapshot of {@code state} for {@code region}'s gateways, serving {@code edge} over HTTPS. */
  ContentVersionedSnapshot snapshot(FleetState state, EdgeCertificates edge, String region) {
    Translation translation = snapshots(state, edge, List.of(region)).get(region);
    if (translation.failure() != null) {
      throw translation.failure();
    }
    return translation.snapshot();
  }

  /**
   * Each of {@code regions}' snapshots of {@code state}, serving {@code edge} over HTTPS; a
   * region whose translation fails keeps its previous translation as the base of its next. Waits
   * for every region it started, even when another failed; interrupted, the regions not done yet
   * fail (their tasks may still finish, unused).
   *
   * @throws Error when a region's translation threw one (out of memory, say), once every region
   *     has been waited for
   */
  Map<String, Translation> snapshots(FleetState state, EdgeCertificates edge, Collection<String> regions) {
    Map<String, CompletableFuture<Made>> work = new LinkedHashMap<>();
    for (String region : regions) {
      try {
        Region before = previous.getOrDefault(region, Region.EMPTY);
        WorkloadChanges changed = changes(before.state(), state);
        changed.gone().forEach(clustersByWorkload::remove);
        // A workload's replicas: one pass over all of them when many workloads changed (a cold
        // build), a binary search per workload when few did.
        Map<WorkloadId, Map<String, List<HostPort>>> replicas = changed.changed().size() > BULK ? allReplicas(state) : null;
        work.put(region, CompletableFuture.supplyAsync(() -> translate(state, edge, region, before, changed, replicas), regionWork));
      } catch (RuntimeException e) { // the executor refused the task (shut down), say
        work.put(region, CompletableFuture.failedFuture(e));
      }
    }
    Map<String, Translation> translations = new LinkedHashMap<>();
    Error fatal = null;
    boolean interrupted = false;
    for (Map.Entry<String, CompletableFuture<Made>> region : work.entrySet()) {
      try {
        Made done = interrupted ? region.getValue().getNow(null) : region.getValue().get();
        if (done == null) {
          throw new CancellationException("interrupted before region " + region.getKey() + " was translated");
        }
        // Kept only once the whole region translated: a failure leaves the previous translation.
        previous.put(region.getKey(), done.region());
        translations.put(region.getKey(), new Translation(done.snapshot(), null));
      } catch (InterruptedException e) {
        interrupted = true;
        translations.put(region.getKey(), new Translation(null, new CancellationException("interrupted")));
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error error) {
          fatal = error;
        }
        translations.put(region.getKey(), new Translation(null,
            cause instanceof RuntimeException failure ? failure : new IllegalStateException(cause)));
      } catch (RuntimeException e) { // cancelled
        translations.put(region.getKey(), new Translation(null, e));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (fatal != null) {
      throw fatal;
    }
    return translations;
  }

  /** {@code region}'s next snapshot: its previous one with {@code changed} applied. */
  private Made translate(FleetState state, EdgeCertificates edge, String region, Region before, WorkloadChanges changed,
      Map<WorkloadId, Map<String, List<HostPort>>> allReplicas) {
    GatewayResources fixed = translator.fixed(state, edge, region);
    int expected = changed.changed().size();
    Changes<Cluster> clusters = before.clusters().next(expected);
    Changes<ClusterLoadAssignment> endpoints = before.endpoints().next(expected);
    List<HashedResource<Cluster>> fixedClusters = hashed(fixed.clusters());
    clusters.removeAll(before.fixedClusters());
    clusters.addAll(fixedClusters);
    List<WorkloadId> removed = new ArrayList<>(changed.gone());
    Map<WorkloadId, Translated> added = HashMap.newHashMap(expected);
    for (WorkloadId id : changed.gone()) {
      Translated gone = before.workloads().get(id);
      if (gone != null) {
        clusters.removeAll(gone.clusters());
        endpoints.removeAll(gone.endpoints());
      }
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
    return new Made(after, snapshot);
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
    if (from != changesFrom || to != changesTo) {
      changes = from == null ? WorkloadChanges.all(to) : WorkloadChanges.between(from, to);
      changesFrom = from;
      changesTo = to;
    }
    return changes;
  }

  private Translated translate(FleetState state, String region, Workload workload, Map<String, List<HostPort>> replicasByRegion) {
    SharedClusters shared = shared(state, workload);
    return new Translated(shared.clusters(),
        hashed(translator.endpoints(region, workload, shared.targetSets(), replicasByRegion)));
  }

  /**
   * {@code workload}'s clusters in {@code state}: those built already when made from the same
   * inputs, else built now (by one region only: the others translating at the same time wait
   * for them).
   */
  private SharedClusters shared(FleetState state, Workload workload) {
    LocationPolicy workspacePolicy = state.workspacePolicy(workload.id().workspace());
    SharedClusters shared = clustersByWorkload.get(workload.id());
    if (shared != null && shared.madeFrom(workload, workspacePolicy)) {
      return shared;
    }
    return clustersByWorkload.compute(workload.id(), (id, was) -> {
      if (was != null && was.madeFrom(workload, workspacePolicy)) {
        return was;
      }
      List<SortedSet<String>> targetSets = translator.targetSets(workload, translator.allowedRegions(state, workload));
      return new SharedClusters(workload, workspacePolicy, targetSets, hashed(translator.clusters(workload, targetSets)));
    });
  }

  private static <T extends Message> List<HashedResource<T>> hashed(List<T> resources) {
    List<HashedResource<T>> hashed = new ArrayList<>(resources.size());
    for (T resource : resources) {
      hashed.add(HashedResource.of(resource));
    }
    return List.copyOf(hashed);
  }

  /**
   * One type's resources in a region's snapshot, and the changes that make the next one: names
   * removed, resources added, and the set's hash kept up to date with both.
   */
  private static final class Changes<T extends Message> {
    private final ShardedMap<String, VersionedResource<T>> current;
    private ResourceSetHash hash;
    private final List<String> removed = new ArrayList<>();
    private final Map<String, VersionedResource<T>> added;

    private Changes(ShardedMap<String, VersionedResource<T>> current, ResourceSetHash hash, int expected) {
      this.current = current;
      this.hash = hash;
      this.added = HashMap.newHashMap(expected);
    }

    static <T extends Message> Changes<T> none() {
      return new Changes<>(ShardedMap.empty(), ResourceSetHash.EMPTY, 0);
    }

    /** A fresh set of changes from these resources, of about {@code expected} additions. */
    Changes<T> next(int expected) {
      return new Changes<>(current, hash, expected);
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
      return new Changes<>(current.with(removed, added), hash, 0);
    }

    TypeResources<T> resources() {
      return new TypeResources<>(current, hash);
    }
  }
}
