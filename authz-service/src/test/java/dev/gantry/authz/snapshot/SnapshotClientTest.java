package dev.gantry.authz.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.Region;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotClientTest {

  /** A control plane written by hand: hands each Watch to the test. */
  private static final class FakeControlPlane extends AuthzSnapshotServiceGrpc.AuthzSnapshotServiceImplBase {
    final BlockingQueue<StreamObserver<SnapshotUpdate>> streams = new LinkedBlockingQueue<>();
    final List<WatchRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void watch(WatchRequest request, StreamObserver<SnapshotUpdate> responses) {
      requests.add(request);
      streams.add(responses);
    }
  }

  private static final Catalog CATALOG = Catalog.newBuilder().addBaseDomains("run.localhost")
      .addRegions(Region.newBuilder().setId("eu-lon-1").setCountry("GB").setContinent("EU")).build();

  private final FakeControlPlane controlPlane = new FakeControlPlane();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<AuthzSnapshot> swapped = new CopyOnWriteArrayList<>();
  private final SnapshotStore store = new SnapshotStore(swapped::add);
  private Server server;
  private ManagedChannel channel;
  private SnapshotClient client;

  private void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(controlPlane).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = new SnapshotClient(channel, store, scheduler, "authz-test", "eu-lon-1");
    client.start();
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
    scheduler.shutdownNow();
  }

  private static SnapshotUpdate full(long version, String... workloads) {
    SnapshotUpdate.Builder update = SnapshotUpdate.newBuilder().setVersion(version).setFull(true).setCatalog(CATALOG);
    for (String id : workloads) {
      update.addUpserted(Entity.newBuilder().setWorkload(Workload.newBuilder().setId(id).addRegions("eu-lon-1")));
      update.addPlacements(Placement.newBuilder().setWorkload(id).addAllowedRegions("eu-lon-1"));
    }
    return update.build();
  }

  @Test
  void firstStream_namesNoVersion_andAFullUpdateBecomesCurrent() throws Exception {
    start();
    StreamObserver<SnapshotUpdate> stream = controlPlane.streams.poll(5, TimeUnit.SECONDS);

    stream.onNext(full(5, "agt-echo-demo"));

    assertThat(store.awaitFirst(5, TimeUnit.SECONDS)).isTrue();
    assertThat(store.current().version()).isEqualTo(5);
    assertThat(controlPlane.requests.get(0).getKnownVersion()).isZero();
    assertThat(controlPlane.requests.get(0).getRegion()).isEqualTo("eu-lon-1");
  }

  @Test
  void badUpdate_keepsTheGoodSnapshot_andResyncsFromItsVersion() throws Exception {
    start();
    StreamObserver<SnapshotUpdate> first = controlPlane.streams.poll(5, TimeUnit.SECONDS);
    first.onNext(full(5, "agt-echo-demo"));

    first.onNext(SnapshotUpdate.newBuilder().setVersion(7).setBaseVersion(6).build());

    StreamObserver<SnapshotUpdate> second = controlPlane.streams.poll(5, TimeUnit.SECONDS);
    assertThat(second).as("the client reopened its stream").isNotNull();
    assertThat(controlPlane.requests.get(1).getKnownVersion()).isEqualTo(5);
    assertThat(store.current().version()).isEqualTo(5);
    assertThat(swapped).hasSize(1);
  }

  @Test
  void streamEnds_clientReconnects_keepingItsSnapshotMeanwhile() throws Exception {
    start();
    StreamObserver<SnapshotUpdate> first = controlPlane.streams.poll(5, TimeUnit.SECONDS);
    first.onNext(full(5, "agt-echo-demo"));

    first.onError(io.grpc.Status.UNAVAILABLE.asRuntimeException());

    StreamObserver<SnapshotUpdate> second = controlPlane.streams.poll(5, TimeUnit.SECONDS);
    assertThat(second).isNotNull();
    assertThat(store.current().version()).isEqualTo(5);
    second.onNext(full(6, "agt-echo-demo", "agt-new-demo"));
    assertThat(store.current().workloads()).hasSize(2);
  }
}
