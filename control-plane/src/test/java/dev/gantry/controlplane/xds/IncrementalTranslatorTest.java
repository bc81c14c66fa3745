package dev.gantry.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Incremental translation against the full one, the golden reference: after every write of a
 * random sequence, each region's incremental snapshot holds exactly the resources, versions
 * included, that a fresh {@link XdsTranslator} gives for the same state.
 */
class IncrementalTranslatorTest {

  private static final Topology TOPOLOGY = TestTopologies.local();
  private static final List<String> REGIONS = List.of("eu-lon-1", "eu-par-1", "us-pdx-1");
  private static final List<String> WORKSPACES = List.of("demo", "other");
  private static final List<LocationPolicy> POLICIES = List.of(
      LocationPolicy.ANY,
      new LocationPolicy(Set.of(), Set.of("EU"), Set.of()),
      new LocationPolicy(Set.of("US"), Set.of(), Set.of()),
      new LocationPolicy(Set.of(), Set.of(), Set.of("eu-par-1", "us-pdx-1")));

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void randomWrites_everyRegion_sameAsFullTranslation(long seed) {
    Random random = new Random(seed);
    IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY));
    FleetState state = TestTopologies.demoSeed();
    for (int write = 0; write < 150; write++) {
      state = randomWrite(state, random).withVersion(state.version() + 1);
      for (String region : REGIONS) {
        ContentVersionedSnapshot full = ContentVersionedSnapshot.of(new XdsTranslator(TOPOLOGY).translate(state, region));
        ContentVersionedSnapshot incrementally = incremental.snapshot(state, EdgeCertificates.NONE, region);
        String at = "seed " + seed + ", write " + write + ", region " + region;
        assertThat(incrementally.clusters().versionedResources()).as(at).isEqualTo(full.clusters().versionedResources());
        assertThat(incrementally.endpoints().versionedResources()).as(at).isEqualTo(full.endpoints().versionedResources());
        assertThat(incrementally.listeners().versionedResources()).as(at).isEqualTo(full.listeners().versionedResources());
        assertThat(incrementally.routes().versionedResources()).as(at).isEqualTo(full.routes().versionedResources());
        assertThat(incrementally.typeVersions()).as(at).isEqualTo(full.typeVersions());
        assertThat(incrementally.contentVersion()).as(at).isEqualTo(full.contentVersion());
      }
    }
  }

  /**
   * Regions translating at their own pace (each skips states at random, as a region whose
   * translation failed or was coalesced does), and states now and then rebuilt from scratch with
   * equal but new objects (as a store reloaded from its database gives): still every region's
   * snapshot is the full translation's.
   */
  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void regionsSkippingStates_andStatesRebuilt_sameAsFullTranslation(long seed) {
    Random random = new Random(seed);
    IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY));
    FleetState state = TestTopologies.demoSeed();
    for (int write = 0; write < 150; write++) {
      state = randomWrite(state, random).withVersion(state.version() + 1);
      if (random.nextInt(10) == 0) {
        state = rebuilt(state);
      }
      for (String region : REGIONS) {
        if (random.nextInt(3) == 0) {
          continue;
        }
        ContentVersionedSnapshot full = ContentVersionedSnapshot.of(new XdsTranslator(TOPOLOGY).translate(state, region));
        ContentVersionedSnapshot incrementally = incremental.snapshot(state, EdgeCertificates.NONE, region);
        String at = "seed " + seed + ", write " + write + ", region " + region;
        assertThat(incrementally.clusters().versionedResources()).as(at).isEqualTo(full.clusters().versionedResources());
        assertThat(incrementally.endpoints().versionedResources()).as(at).isEqualTo(full.endpoints().versionedResources());
        assertThat(incrementally.contentVersion()).as(at).isEqualTo(full.contentVersion());
      }
    }
  }

  /**
   * Regions translated side by side on a pool of threads (as the publisher does), each skipping
   * states now and then: every region's snapshot is still the full translation's, whichever
   * region built a workload's shared clusters first.
   */
  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33})
  void regionsSideBySide_sameAsFullTranslation(long seed) throws Exception {
    Random random = new Random(seed);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY), pool);
      FleetState state = TestTopologies.demoSeed();
      for (int write = 0; write < 150; write++) {
        state = randomWrite(state, random).withVersion(state.version() + 1);
        List<String> regions = REGIONS.stream().filter(r -> random.nextInt(4) > 0).toList();
        Map<String, IncrementalTranslator.Translation> translated = incremental.snapshots(state, EdgeCertificates.NONE, regions);
        assertThat(translated.keySet()).containsExactlyElementsOf(regions);
        for (String region : regions) {
          ContentVersionedSnapshot full = ContentVersionedSnapshot.of(new XdsTranslator(TOPOLOGY).translate(state, region));
          IncrementalTranslator.Translation translation = translated.get(region);
          String at = "seed " + seed + ", write " + write + ", region " + region;
          assertThat(translation.failure()).as(at).isNull();
          assertThat(translation.snapshot().clusters().versionedResources()).as(at).isEqualTo(full.clusters().versionedResources());
          assertThat(translation.snapshot().endpoints().versionedResources()).as(at).isEqualTo(full.endpoints().versionedResources());
          assertThat(translation.snapshot().contentVersion()).as(at).isEqualTo(full.contentVersion());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A region that cannot be translated fails alone, each time: the others' snapshots are made,
   * and they go on translating from their own.
   */
  @Test
  void aRegionFailing_failsAlone() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY), pool);
      FleetState state = TestTopologies.demoSeed();
      Random random = new Random(41);
      for (int write = 0; write < 3; write++) {
        Map<String, IncrementalTranslator.Translation> translated =
            incremental.snapshots(state, EdgeCertificates.NONE, List.of("eu-lon-1", "xx-nowhere-1", "eu-par-1"));

        assertThat(translated.get("xx-nowhere-1").snapshot()).isNull();
        assertThat(translated.get("xx-nowhere-1").failure()).hasMessageContaining("xx-nowhere-1");
        for (String region : List.of("eu-lon-1", "eu-par-1")) {
          assertThat(translated.get(region).failure()).isNull();
          assertThat(translated.get(region).snapshot().contentVersion())
              .isEqualTo(ContentVersionedSnapshot.of(new XdsTranslator(TOPOLOGY).translate(state, region)).contentVersion());
        }
        state = randomWrite(state, random).withVersion(state.version() + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** An executor that refuses work (shut down): every region fails, nothing is thrown. */
  @Test
  void anExecutorRefusing_failsEveryRegion() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdownNow();
    IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY), pool);

    Map<String, IncrementalTranslator.Translation> translated =
        incremental.snapshots(TestTopologies.demoSeed(), EdgeCertificates.NONE, REGIONS);

    assertThat(translated.keySet()).containsExactlyElementsOf(REGIONS);
    assertThat(translated.values()).allSatisfy(t -> assertThat(t.failure()).isNotNull());
  }

  /**
   * A fleet built at once (more workloads than the translator looks up one by one), then written
   * to; its regions translated one after the other, or side by side (sharing the map of every
   * replica).
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void manyWorkloadsAtOnce_thenWrites_sameAsFullTranslation(boolean sideBySide) {
    Random random = new Random(21);
    Map<WorkloadId, Workload> workloads = new HashMap<>();
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      WorkloadId id = WorkloadId.parse("agt-bulk" + i + "-" + pick(WORKSPACES, random));
      Workload workload = randomWorkload(id, random);
      workloads.put(id, workload);
      for (String region : workload.regions()) {
        if (random.nextInt(3) > 0) {
          replicas.add(new Replica(id, region, new HostPort("10.0." + (i / 250) + "." + (i % 250), 8080 + random.nextInt(2))));
        }
      }
    }
    FleetState seed = TestTopologies.demoSeed();
    FleetState state = seed.withWorkloads(workloads, replicas).withVersion(seed.version() + 1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    IncrementalTranslator incremental = sideBySide
        ? new IncrementalTranslator(new XdsTranslator(TOPOLOGY), pool)
        : new IncrementalTranslator(new XdsTranslator(TOPOLOGY));
    for (int write = 0; write < 20; write++) {
      Map<String, IncrementalTranslator.Translation> translated = incremental.snapshots(state, EdgeCertificates.NONE, REGIONS);
      for (String region : REGIONS) {
        ContentVersionedSnapshot full = ContentVersionedSnapshot.of(new XdsTranslator(TOPOLOGY).translate(state, region));
        ContentVersionedSnapshot incrementally = translated.get(region).snapshot();
        String at = "write " + write + ", region " + region;
        assertThat(incrementally.endpoints().versionedResources()).as(at).isEqualTo(full.endpoints().versionedResources());
        assertThat(incrementally.clusters().versionedResources()).as(at).isEqualTo(full.clusters().versionedResources());
        assertThat(incrementally.contentVersion()).as(at).isEqualTo(full.contentVersion());
      }
      state = randomWrite(state, random).withVersion(state.version() + 1);
    }
    pool.shutdownNow();
  }

  /** The same state made of new objects: every workload, workspace and replica an equal copy. */
  private static FleetState rebuilt(FleetState state) {
    Map<WorkloadId, Workload> workloads = new HashMap<>();
    state.workloads().forEach((id, w) -> workloads.put(id, w.withRegions(new TreeSet<>(w.regions()))));
    Map<String, Workspace> workspaces = new HashMap<>();
    state.workspaces().forEach((id, w) -> workspaces.put(id, w.withPolicy(w.policy())));
    List<Replica> replicas = state.replicas().stream()
        .map(r -> new Replica(WorkloadId.parse(r.workload().toString()), r.region(), r.address())).toList();
    return new FleetState(state.version(), workspaces, workloads, replicas, state.routing());
  }

  @Test
  void oneWorkloadChanged_onlyItsResourcesRebuilt() {
    IncrementalTranslator incremental = new IncrementalTranslator(new XdsTranslator(TOPOLOGY));
    FleetState seed = TestTopologies.demoSeed();
    ContentVersionedSnapshot before = incremental.snapshot(seed, EdgeCertificates.NONE, "eu-lon-1");
    WorkloadId changed = WorkloadId.parse("agt-echo-demo");
    Map<WorkloadId, Workload> workloads = new HashMap<>(seed.workloads());
    workloads.put(changed, seed.workloads().get(changed).withRegions(new TreeSet<>(Set.of("eu-lon-1", "eu-par-1"))));
    ContentVersionedSnapshot after =
        incremental.snapshot(seed.withWorkloads(workloads, seed.replicas()).withVersion(2), EdgeCertificates.NONE, "eu-lon-1");

    String untouched = "mcp-tools-demo@eu-lon-1";
    assertThat(after.clusters().resources().get(untouched)).isSameAs(before.clusters().resources().get(untouched));
    assertThat(after.endpoints().versionedResources().get(untouched))
        .isSameAs(before.endpoints().versionedResources().get(untouched));
    // agt-echo-demo no longer deployed in us-pdx-1: rebuilt, without that target.
    assertThat(before.clusters().resources()).containsKey("agt-echo-demo@us-pdx-1");
    assertThat(after.clusters().resources()).doesNotContainKey("agt-echo-demo@us-pdx-1");
  }

  /** One write of the kinds the admin API and the registrars make. */
  private static FleetState randomWrite(FleetState state, Random random) {
    Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
    List<Replica> replicas = new ArrayList<>(state.replicas());
    List<WorkloadId> ids = new ArrayList<>(workloads.keySet());
    ids.sort(java.util.Comparator.comparing(WorkloadId::toString)); // a seed gives one sequence
    switch (random.nextInt(8)) {
      case 0 -> { // a workload created (or replaced)
        WorkloadId id = WorkloadId.parse(
            List.of("agt", "mcp", "sbx").get(random.nextInt(3)) + "-w" + random.nextInt(12) + "-" + pick(WORKSPACES, random));
        workloads.put(id, randomWorkload(id, random));
      }
      case 1 -> { // a workload deleted, with its replicas
        if (!ids.isEmpty()) {
          WorkloadId id = pick(ids, random);
          workloads.remove(id);
          replicas.removeIf(r -> r.workload().equals(id));
        }
      }
      case 2 -> { // a workload changed
        if (!ids.isEmpty()) {
          WorkloadId id = pick(ids, random);
          workloads.put(id, randomWorkload(id, random));
        }
      }
      case 3, 4 -> { // a replica registered
        if (!ids.isEmpty()) {
          replicas.add(new Replica(pick(ids, random), pick(REGIONS, random), new HostPort("127.0.0.1", 20000 + random.nextInt(40))));
        }
      }
      case 5 -> { // a replica gone
        if (!replicas.isEmpty()) {
          replicas.remove(random.nextInt(replicas.size()));
        }
      }
      case 6 -> { // a workspace's location policy changed
        Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
        String id = pick(WORKSPACES, random);
        Workspace workspace = workspaces.get(id);
        if (workspace != null) {
          workspaces.put(id, workspace.withPolicy(pick(POLICIES, random)));
          return state.withWorkspaces(workspaces);
        }
        return state;
      }
      default -> { // an alias added or removed
        Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
        WorkloadId alias = WorkloadId.parse("agt-alias" + random.nextInt(3) + "-demo");
        if (aliases.remove(alias) == null && !ids.isEmpty()) {
          aliases.put(alias, pick(ids, random));
        }
        return state.withRouting(new Routing(aliases, state.routing().customDomains()));
      }
    }
    // Replicas of workloads that no longer exist are dropped, as the store does.
    replicas.removeIf(r -> !workloads.containsKey(r.workload()));
    return state.withWorkloads(workloads, dedupe(replicas));
  }

  private static Workload randomWorkload(WorkloadId id, Random random) {
    TreeSet<String> regions = new TreeSet<>();
    for (String region : REGIONS) {
      if (random.nextBoolean()) {
        regions.add(region);
      }
    }
    if (regions.isEmpty()) {
      regions.add(pick(REGIONS, random));
    }
    TreeMap<String, String> labels = new TreeMap<>();
    if (random.nextBoolean()) {
      labels.put("team", "t" + random.nextInt(3));
    }
    // Sandboxes expose preview ports now and then; some workloads ask for affinity.
    List<dev.gantry.controlplane.model.Preview> previews = new ArrayList<>();
    if (id.product() == dev.gantry.routing.Product.SANDBOX) {
      for (int port = 3000; port < 3003; port++) {
        if (random.nextBoolean()) {
          previews.add(new dev.gantry.controlplane.model.Preview(port, random.nextBoolean(), List.of()));
        }
      }
    }
    return new Workload(id, random.nextBoolean(), regions, random.nextBoolean() ? Protocol.HTTP1 : Protocol.HTTP2,
        Duration.ofSeconds(60 + 60L * random.nextInt(3)), pick(POLICIES, random), random.nextBoolean(), labels,
        random.nextBoolean(), random.nextInt(4) == 0 ? dev.gantry.routing.Affinity.parse("header:x-session") : null,
        previews);
  }

  private static List<Replica> dedupe(List<Replica> replicas) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(replicas));
  }

  private static <T> T pick(List<T> list, Random random) {
    return list.get(random.nextInt(list.size()));
  }
}
