package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.AuthzServer;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.store.Database;
import dev.gantry.demo.EchoServer;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.routing.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The control plane as the source of truth (issue 5), on a real PostgreSQL: two control-plane
 * replicas share it; the eu-lon-1 gateway's Envoy and authz-service are connected to replica
 * B only, every admin write goes through replica A (or both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableControlPlaneIT {

  private static PostgresServer postgres;
  private static Topology topology;
  private static String seed;
  private static final int CP_A = FreePorts.next();
  private static final int CP_B = FreePorts.next();
  private static final int GATEWAY = FreePorts.next();
  private static final int AUTHZ = FreePorts.next();
  private static ControlPlane a;
  private static ControlPlane b;
  private static AuthzServer authz;
  private static EnvoyProcess envoy;
  private static EchoServer echo;
  private static final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private static ManagedChannel adminA;
  private static ManagedChannel adminB;
  private static Path workDir;

  @BeforeAll
  static void start() throws Exception {
    postgres = new PostgresServer();
    workDir = Files.createDirectories(Path.of("target", "e2e", "durable-" + GATEWAY));
    echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "echo", "eu-lon-1", loop);
    topology = TopologyLoader.load("""
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: "unix:%s"}
        """.formatted(GATEWAY, FreePorts.next(), TestPki.in(workDir).authzSocket("eu-lon-1")), "test regions");
    seed = """
        workloads:
          - {id: agt-echo-demo, public: true, replicas: [{region: eu-lon-1, address: 127.0.0.1:%1$d}]}
          - {id: agt-gone-demo, public: true, replicas: [{region: eu-lon-1, address: 127.0.0.1:%1$d}]}
        """.formatted(echo.port());
    a = startControlPlane(CP_A);
    b = startControlPlane(CP_B);
    authz = AuthzServer.start(new AuthzServer.Config(
        new dev.gantry.routing.SidecarAddress.Unix(TestPki.in(workDir).authzSocket("eu-lon-1")),
        new InetSocketAddress("127.0.0.1", CP_B), "eu-lon-1", "authz-durable",
        AuthzServer.JwksSettings.DEFAULT, TestPki.in(workDir).authz("eu-lon-1")));
    envoy = EnvoyProcess.start("eu-lon-1", CP_B, workDir);
    adminA = TestPki.in(workDir).operator(CP_A);
    adminB = TestPki.in(workDir).operator(CP_B);
    await("the gateway serves agt-echo-demo", Duration.ofSeconds(30), () -> status("agt-echo-demo") == 200);
  }

  private static ControlPlane startControlPlane(int port) throws Exception {
    return ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", port), topology,
        SeedLoader.load(seed, "test seed", topology), Database.open(postgres.url(), postgres.credentials()),
        TestPki.in(workDir).controlPlane()));
  }

  @AfterAll
  static void stop() throws Exception {
    adminA.shutdownNow();
    adminB.shutdownNow();
    envoy.close();
    authz.close();
    a.close();
    b.close();
    echo.close();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    postgres.close();
  }

  private static int status(String workload) {
    try {
      return RawHttp.get(GATEWAY, workload + ".run.localhost:" + GATEWAY, "/").status();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + within + ": " + what + "\nEnvoy log tail:\n" + tail(envoy.log()));
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static String tail(String log) {
    return log.substring(Math.max(0, log.length() - 3000));
  }

  /** The workload clusters the gateway's Envoy has now (from its admin /clusters). */
  private static Set<String> envoyClusters() {
    return envoy.admin("/clusters").lines()
        .map(line -> line.substring(0, Math.max(0, line.indexOf("::"))))
        .filter(name -> name.contains("@"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Order(1)
  @Test
  void seedIsAppliedOnce_bothReplicasAgree() {
    long versionA = WorkloadServiceGrpc.newBlockingStub(adminA).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
    long versionB = WorkloadServiceGrpc.newBlockingStub(adminB).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();

    assertThat(versionA).isEqualTo(1);
    assertThat(versionB).isEqualTo(1);
  }

  @Order(2)
  @Test
  void aWriteThroughOneReplica_reachesAnEnvoyConnectedToTheOther() throws Exception {
    WorkloadServiceGrpc.newBlockingStub(adminA).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId("agt-new-demo").addRegions("eu-lon-1").setPublic(true)).build());
    ReplicaServiceGrpc.newBlockingStub(adminA).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload("agt-new-demo").setRegion("eu-lon-1").setAddress("127.0.0.1:" + echo.port())).setTtlMillis(300_000).build());

    await("agt-new-demo served through the Envoy of replica B", Duration.ofSeconds(10), () -> status("agt-new-demo") == 200);
  }

  @Order(3)
  @Test
  void replicaKilledAndRestartedUnderTraffic_noRequestFails_versionsGoOn_deletionsArrive() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Thread load = new Thread(() -> {
      while (running.get()) {
        int status = status("agt-echo-demo");
        if (status == 200) {
          served.incrementAndGet();
        } else {
          failures.add(String.valueOf(status));
        }
      }
    });
    load.start();
    try {
      Thread.sleep(500);
      long before = WorkloadServiceGrpc.newBlockingStub(adminB).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
      b.close();
      Thread.sleep(1_000);
      // While the gateway's control plane is down, another replica deletes a workload.
      long deletedAt = WorkloadServiceGrpc.newBlockingStub(adminA)
          .deleteWorkload(DeleteWorkloadRequest.newBuilder().setId("agt-gone-demo").build()).getVersion();
      assertThat(deletedAt).isGreaterThan(before);
      assertThat(envoyClusters()).as("the Envoy keeps its last config while disconnected").contains("agt-gone-demo@eu-lon-1");
      b = startControlPlane(CP_B);
      await("agt-gone-demo's cluster leaves the Envoy after it reconnects", Duration.ofSeconds(30),
          () -> !envoyClusters().contains("agt-gone-demo@eu-lon-1"));
      // Deleted, the public workload answers an anonymous caller as an unknown (or private) one does.
      await("the sidecar learns it too", Duration.ofSeconds(30), () -> status("agt-gone-demo") == 401);
      long after = WorkloadServiceGrpc.newBlockingStub(adminB).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
      assertThat(after).as("versions go on upward across the restart").isGreaterThanOrEqualTo(deletedAt);
      Thread.sleep(500);
    } finally {
      running.set(false);
      load.join();
    }
    assertThat(served.get()).isPositive();
    assertThat(failures).as("requests that failed while the control plane restarted").isEmpty();
  }

  /** One successful admin write: its version, what, which workload, through which replica. */
  record Done(long version, boolean create, String id, boolean throughA) {}

  /** One refused admin write: what, which workload, the status code. */
  record Refused(boolean create, String id, Status.Code code) {}

  @Order(4)
  @Test
  void sixteenConcurrentClients_onBothReplicas_endInASerialOrder_andEveryoneConverges() throws Exception {
    long start = WorkloadServiceGrpc.newBlockingStub(adminA).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
    Set<String> initial = WorkloadServiceGrpc.newBlockingStub(adminA).listWorkloads(ListWorkloadsRequest.getDefaultInstance())
        .getWorkloadsList().stream().map(w -> w.getWorkload().getId()).collect(Collectors.toCollection(TreeSet::new));
    List<Done> done = Collections.synchronizedList(new ArrayList<>());
    List<Refused> refusals = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      int client = c;
      futures.add(clients.submit(() -> {
        WorkloadServiceGrpc.WorkloadServiceBlockingStub stub =
            WorkloadServiceGrpc.newBlockingStub(client % 2 == 0 ? adminA : adminB);
        for (int i = 0; i < 10; i++) {
          String id = "agt-c" + (ThreadLocalRandom.current().nextBoolean() ? i % 4 : client * 100 + i) + "-demo";
          boolean create = ThreadLocalRandom.current().nextInt(3) > 0;
          try {
            long version = create
                ? stub.createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId(id).addRegions("eu-lon-1").setPublic(true)).build()).getVersion()
                : stub.deleteWorkload(DeleteWorkloadRequest.newBuilder().setId(id).build()).getVersion();
            done.add(new Done(version, create, id, client % 2 == 0));
          } catch (StatusRuntimeException refused) {
            refusals.add(new Refused(create, id, refused.getStatus().getCode()));
          }
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    clients.shutdown();

    // Every refusal for the one reason the state gives (nothing else — no UNAVAILABLE, ABORTED,
    // INTERNAL or deadline).
    assertThat(refusals).as("refused only as already there / not there").allSatisfy(r ->
        assertThat(r.code()).isEqualTo(r.create() ? Status.Code.ALREADY_EXISTS : Status.Code.NOT_FOUND));
    assertThat(done).as("writes went through both replicas")
        .anyMatch(Done::throughA).anyMatch(d -> !d.throughA());
    List<Done> serial = new ArrayList<>(done);
    serial.sort((x, y) -> Long.compare(x.version(), y.version()));
    assertThat(serial).extracting(Done::version).as("one version per write: none lost, none shared")
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(start + 1, start + serial.size()).boxed().toList());
    Set<String> expected = new TreeSet<>(initial);
    for (Done step : serial) {
      assertThat(step.create() ? expected.add(step.id()) : expected.remove(step.id()))
          .as("each write applied to the state the one before it left: " + step).isTrue();
    }
    long last = start + serial.size();
    for (ManagedChannel admin : List.of(adminA, adminB)) {
      var listed = WorkloadServiceGrpc.newBlockingStub(admin).listWorkloads(ListWorkloadsRequest.getDefaultInstance());
      assertThat(listed.getWorkloadsList()).extracting(w -> w.getWorkload().getId()).containsExactlyInAnyOrderElementsOf(expected);
    }
    Set<String> expectedClusters = expected.stream().map(id -> id + "@eu-lon-1").collect(Collectors.toCollection(TreeSet::new));
    await("the Envoy converges to the final state", Duration.ofSeconds(30), () -> envoyClusters().equals(expectedClusters));
    await("the sidecar converges to the final version " + last, Duration.ofSeconds(30),
        () -> authz.snapshots().current().version() >= last);
    assertThat(authz.snapshots().current().workloads().keySet()).extracting(Object::toString)
        .containsExactlyInAnyOrderElementsOf(expected);
  }
}
