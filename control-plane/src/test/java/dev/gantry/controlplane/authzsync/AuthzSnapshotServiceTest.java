package dev.gantry.controlplane.authzsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.EntityKey;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import dev.gantry.routing.WorkloadId;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthzSnapshotServiceTest {

  private final FleetStore store = new FleetStore();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    AuthzSnapshotService service = new AuthzSnapshotService(TestTopologies.local());
    store.subscribe(service::accept);
    store.update(s -> TestTopologies.demoSeed());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void sidecars_getCustomDomains_butNeverTheirCertificatesOrKeys() {
    Iterator<SnapshotUpdate> updates = AuthzSnapshotServiceGrpc.newBlockingStub(channel)
        .watch(WatchRequest.newBuilder().setSidecarId("t").setRegion("eu-lon-1").build());
    updates.next();

    store.update(s -> new dev.gantry.controlplane.deploy.NameRules(TestTopologies.local()).bindDomain(s, "agents.acme.test",
        WorkloadId.parse("agt-echo-demo"), null, dev.gantry.controlplane.TestCertificates.forNames("agents.acme.test"),
        java.time.Instant.now()));

    SnapshotUpdate diff = updates.next();
    assertThat(diff.getUpsertedList()).anyMatch(Entity::hasCustomDomain).noneMatch(Entity::hasDomainCertificate);
    SnapshotUpdate full = AuthzSnapshotServiceGrpc.newBlockingStub(channel)
        .watch(WatchRequest.newBuilder().setSidecarId("late").setRegion("eu-lon-1").build()).next();
    assertThat(full.getUpsertedList()).anyMatch(Entity::hasCustomDomain).noneMatch(Entity::hasDomainCertificate);
    assertThat(diff + "" + full).doesNotContain("PRIVATE KEY");
  }

  @Test
  void watch_firstUpdateIsFull_thenDiffsInVersionOrder() {
    Iterator<SnapshotUpdate> updates = AuthzSnapshotServiceGrpc.newBlockingStub(channel)
        .watch(WatchRequest.newBuilder().setSidecarId("t").setRegion("eu-lon-1").build());

    SnapshotUpdate first = updates.next();
    assertThat(first.getFull()).isTrue();
    assertThat(first.getVersion()).isEqualTo(1);
    assertThat(first.getCatalog().getRegionsCount()).isEqualTo(3);
    assertThat(first.getCatalog().getBaseDomainsList()).containsExactly("run.localhost");
    assertThat(ids(first, "workload")).containsExactly("agt-echo-demo", "agt-echo-other", "agt-grpc-echo-demo",
        "agt-llm-demo", "agt-private-demo", "mcp-notes-demo", "mcp-tools-demo", "sbx-box-demo");
    assertThat(first.getUpsertedList()).as("sidecars get no replicas").noneMatch(Entity::hasReplica);
    assertThat(first.getPlacementsList()).extracting(Placement::getWorkload)
        .as("every workload's placement, derived").hasSize(8);
    Placement mcp = placement(first, "mcp-tools-demo");
    assertThat(mcp.getAllowedRegionsList()).as("the policy, resolved").containsExactly("eu-lon-1", "eu-par-1");
    assertThat(mcp.getPolicy()).contains("continents [EU]");
    assertThat(ids(first, "workspace")).containsExactly("demo", "other");
    assertThat(first.getUpsertedList().stream().filter(Entity::hasWorkspace).findFirst().orElseThrow()
        .getWorkspace().getJwtIssuers(0).getJwksUri()).isEqualTo("http://127.0.0.1:18099/jwks.json");

    WorkloadId added = WorkloadId.parse("mcp-new-demo");
    store.update(s -> {
      Map<WorkloadId, Workload> workloads = new HashMap<>(s.workloads());
      workloads.put(added, new Workload(added, false, new TreeSet<>(List.of("eu-par-1"))));
      workloads.remove(WorkloadId.parse("agt-echo-demo"));
      return s.withWorkloads(workloads, List.of());
    });

    SnapshotUpdate second = updates.next();
    assertThat(second.getFull()).isFalse();
    assertThat(second.getBaseVersion()).isEqualTo(1);
    assertThat(second.getVersion()).isEqualTo(2);
    assertThat(second.hasCatalog()).isFalse();
    assertThat(ids(second, "workload")).containsExactly("mcp-new-demo");
    assertThat(second.getPlacementsList()).extracting(Placement::getWorkload).containsExactly("mcp-new-demo");
    assertThat(second.getRemovedList()).extracting(EntityKey::getKind, EntityKey::getId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("workload", "agt-echo-demo"));
    assertThat(ids(second, "workspace")).as("unchanged workspaces are not resent").isEmpty();

    // A workspace policy changes what its workloads may use: their placements are resent.
    store.update(s -> new dev.gantry.controlplane.deploy.Deployments(TestTopologies.local())
        .setWorkspacePolicy(s, "other", new dev.gantry.routing.LocationPolicy(java.util.Set.of("GB"), java.util.Set.of(), java.util.Set.of())));
    SnapshotUpdate policyChange = updates.next();
    assertThat(ids(policyChange, "workload")).as("the workload itself did not change").isEmpty();
    assertThat(ids(policyChange, "workspace")).containsExactly("other");
    assertThat(policyChange.getPlacementsList()).extracting(Placement::getWorkload).containsExactly("agt-echo-other");
    assertThat(policyChange.getPlacements(0).getAllowedRegionsList()).containsExactly("eu-lon-1");

    store.update(s -> new FleetState(s.version(), Map.of(), s.workloads(), s.replicas()));

    SnapshotUpdate third = updates.next();
    assertThat(third.getRemovedList()).extracting(EntityKey::getId).containsExactly("demo", "other");
    assertThat(third.getPlacementsList()).extracting(Placement::getWorkload)
        .as("only the workload whose workspace policy went away").containsExactly("agt-echo-other");
  }

  private static List<String> ids(SnapshotUpdate update, String kind) {
    return update.getUpsertedList().stream()
        .map(dev.gantry.controlplane.fleet.FleetEntities::key)
        .filter(k -> k.kind().equals(kind))
        .map(dev.gantry.controlplane.fleet.FleetEntities.Key::id)
        .toList();
  }

  private static Placement placement(SnapshotUpdate update, String workload) {
    return update.getPlacementsList().stream().filter(p -> p.getWorkload().equals(workload)).findFirst().orElseThrow();
  }

  @Test
  void watch_resumingFromAVersionHeld_getsOnlyWhatItMissed_otherwiseEverything() {
    AuthzSnapshotServiceGrpc.AuthzSnapshotServiceBlockingStub stub = AuthzSnapshotServiceGrpc.newBlockingStub(channel);
    SnapshotUpdate first = stub.watch(WatchRequest.newBuilder().setSidecarId("t").setRegion("eu-lon-1").build()).next();
    for (String id : List.of("mcp-a-demo", "mcp-b-demo")) {
      WorkloadId added = WorkloadId.parse(id);
      store.update(s -> {
        Map<WorkloadId, Workload> workloads = new HashMap<>(s.workloads());
        workloads.put(added, new Workload(added, true, new TreeSet<>(List.of("eu-par-1"))));
        return s.withWorkloads(workloads, s.replicas());
      });
    }

    Iterator<SnapshotUpdate> resumed = stub.watch(WatchRequest.newBuilder().setSidecarId("t").setRegion("eu-lon-1")
        .setKnownVersion(first.getVersion()).setLineage(first.getLineage()).build());
    SnapshotUpdate missed1 = resumed.next();
    SnapshotUpdate missed2 = resumed.next();
    assertThat(missed1.getFull()).isFalse();
    assertThat(missed1.getBaseVersion()).isEqualTo(first.getVersion());
    assertThat(ids(missed1, "workload")).containsExactly("mcp-a-demo");
    assertThat(missed2.getBaseVersion()).isEqualTo(missed1.getVersion());
    assertThat(ids(missed2, "workload")).containsExactly("mcp-b-demo");

    SnapshotUpdate otherLineage = stub.watch(WatchRequest.newBuilder().setSidecarId("t").setRegion("eu-lon-1")
        .setKnownVersion(first.getVersion()).setLineage("another-store").build()).next();
    assertThat(otherLineage.getFull()).as("versions of another store mean nothing here").isTrue();
    assertThat(otherLineage.getVersion()).isEqualTo(missed2.getVersion());
  }

  @Test
  void aSidecarThatDoesNotRead_isSentNothingMore_andCatchesUpWithACompleteUpdateOnceItReads() {
    SlowWatcher slow = SlowWatcher.watch(channel, WatchRequest.newBuilder().setSidecarId("slow").setRegion("eu-lon-1").build());
    slow.read(1);
    SnapshotUpdate first = slow.received.getLast();

    for (int i = 0; i < AuthzSnapshotService.HISTORY + 10; i++) {
      addWorkload("mcp-n" + i + "-demo");
    }

    assertThat(slow.received).as("nothing is sent while the sidecar reads nothing").containsExactly(first);
    slow.read(5);
    assertThat(slow.received).hasSize(2);
    SnapshotUpdate caughtUp = slow.received.getLast();
    assertThat(caughtUp.getFull()).as("more changes passed than are kept: a complete update").isTrue();
    assertThat(caughtUp.getVersion()).isEqualTo(first.getVersion() + AuthzSnapshotService.HISTORY + 10);
    assertThat(ids(caughtUp, "workload")).contains("mcp-n0-demo", "mcp-n265-demo");
  }

  @Test
  void aSidecarThatFallsBehindLessThanTheHistory_catchesUpWithTheDifferences_inOrder() {
    SlowWatcher slow = SlowWatcher.watch(channel, WatchRequest.newBuilder().setSidecarId("slow").setRegion("eu-lon-1").build());
    slow.read(1);
    long first = slow.received.getLast().getVersion();
    addWorkload("mcp-a-demo");
    addWorkload("mcp-b-demo");
    addWorkload("mcp-c-demo");

    slow.read(10);

    assertThat(slow.received).hasSize(4);
    assertThat(slow.received.subList(1, 4)).extracting(SnapshotUpdate::getFull).containsOnly(false);
    assertThat(slow.received.subList(1, 4)).extracting(SnapshotUpdate::getBaseVersion).containsExactly(first, first + 1, first + 2);
    assertThat(ids(slow.received.get(3), "workload")).containsExactly("mcp-c-demo");
  }

  private void addWorkload(String id) {
    WorkloadId added = WorkloadId.parse(id);
    store.update(s -> {
      Map<WorkloadId, Workload> workloads = new HashMap<>(s.workloads());
      workloads.put(added, new Workload(added, true, new TreeSet<>(List.of("eu-par-1"))));
      return s.withWorkloads(workloads, s.replicas());
    });
  }

  /** A Watch client that reads only as many updates as the test asks for (gRPC's manual flow control). */
  private static final class SlowWatcher implements io.grpc.stub.ClientResponseObserver<WatchRequest, SnapshotUpdate> {
    final List<SnapshotUpdate> received = new java.util.ArrayList<>();
    private io.grpc.stub.ClientCallStreamObserver<WatchRequest> call;

    static SlowWatcher watch(ManagedChannel channel, WatchRequest request) {
      SlowWatcher watcher = new SlowWatcher();
      AuthzSnapshotServiceGrpc.newStub(channel).watch(request, watcher);
      return watcher;
    }

    @Override
    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<WatchRequest> requestStream) {
      this.call = requestStream;
      requestStream.disableAutoRequestWithInitial(0);
    }

    void read(int messages) {
      call.request(messages);
    }

    @Override
    public void onNext(SnapshotUpdate update) {
      received.add(update);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onCompleted() {}
  }
}
