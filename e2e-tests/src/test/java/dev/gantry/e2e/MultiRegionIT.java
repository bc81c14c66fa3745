package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.GetWorkloadRequest;
import dev.gantry.proto.fleet.v1.LocationPolicy;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.SetLocationPolicyRequest;
import dev.gantry.proto.admin.v1.PolicyServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three regions through three real Envoys (docs/architecture.md: "Regions and placement", "The request path"): regional, group and global
 * endpoints entered at every gateway; location policies on every path; forwarding with the
 * identity established where the client entered; the hop guard and the loop guard; deployments
 * refused whole. The test that takes regions down runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiRegionIT {

  private static MultiRegionStack stack;
  private static ManagedChannel admin;

  @BeforeAll
  static void start() throws Exception {
    stack = new MultiRegionStack();
    admin = stack.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.shutdownNow();
    stack.close();
  }

  private static String reason(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString();
  }

  private static JsonObject headersSeen(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers");
  }

  /** Entered at {@code gateway}, {@code host} is served by {@code expected}: nearest healthy allowed. */
  @Order(1)
  @ParameterizedTest(name = "at {0}: {1} → {2}")
  @CsvSource({
      "eu-lon-1, agt-echo-demo.eu-lon-1, eu-lon-1",
      "eu-lon-1, agt-echo-demo.eu-par-1, eu-par-1",
      "eu-lon-1, agt-echo-demo.us-pdx-1, us-pdx-1",
      "eu-lon-1, agt-echo-demo.eu,       eu-lon-1",
      "eu-lon-1, agt-echo-demo.us,       us-pdx-1",
      "eu-lon-1, agt-echo-demo,          eu-lon-1",
      "eu-par-1, agt-echo-demo.eu-lon-1, eu-lon-1",
      "eu-par-1, agt-echo-demo.eu,       eu-par-1",
      "eu-par-1, agt-echo-demo,          eu-par-1",
      "us-pdx-1, agt-echo-demo.eu,       eu-lon-1",
      "us-pdx-1, agt-echo-demo.eu-par-1, eu-par-1",
      "us-pdx-1, agt-echo-demo,          us-pdx-1",
      "us-pdx-1, mcp-tools-demo,         eu-lon-1",
      "us-pdx-1, mcp-tools-demo.eu,      eu-lon-1",
      "eu-par-1, mcp-tools-demo,         eu-par-1",
      "eu-lon-1, sbx-box-demo,           eu-par-1",
      "us-pdx-1, sbx-box-demo.eu,        eu-par-1",
      "us-pdx-1, sbx-box-demo.eu-par-1,  eu-par-1",
  })
  void endpoint_isServedByTheNearestAllowedRegion(String gateway, String host, String expected) throws Exception {
    RawHttp.Response response = stack.site(gateway).get(host, "/a//b?c=%2F");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(MultiRegionStack.servedBy(response)).isEqualTo(expected);
    JsonObject seen = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(seen.get("path").getAsString()).as("the path is never rewritten, forwarded or not").isEqualTo("/a//b?c=%2F");
    assertThat(headersSeen(response).getAsJsonArray("x-gantry-entered-at").get(0).getAsString()).isEqualTo(gateway);
    assertThat(headersSeen(response).getAsJsonArray("x-gantry-region").get(0).getAsString()).isEqualTo(expected);
  }

  @Order(2)
  @ParameterizedTest(name = "at {0}: {1} → {2} {3}")
  @CsvSource({
      "us-pdx-1, mcp-tools-demo.us-pdx-1, 421, not-deployed-in-location",
      "eu-lon-1, mcp-tools-demo.us,       421, not-deployed-in-location",
      "us-pdx-1, sbx-box-demo.eu-lon-1,   421, not-deployed-in-location",
      "eu-lon-1, agt-nobody-demo.eu,      401, credentials-required",
      "eu-lon-1, agt-echo-demo.mars,      404, unknown-location",
  })
  void endpoint_thatNamesNoTarget_isRefusedWhereTheClientEntered(String gateway, String host, int status, String reason)
      throws Exception {
    RawHttp.Response response = stack.site(gateway).get(host, "/");

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(reason(response)).isEqualTo(reason);
  }

  @Order(3)
  @Test
  void forwarded_privateWorkload_isAuthenticatedByTheServingRegion() throws Exception {
    MultiRegionStack.Site london = stack.site("eu-lon-1");
    String demo = stack.jwks.token("demo");

    RawHttp.Response allowed = london.get("agt-private-demo.us-pdx-1", "/", "Authorization", "Bearer " + demo);
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(MultiRegionStack.servedBy(allowed)).isEqualTo("us-pdx-1");
    assertThat(headersSeen(allowed).has("authorization")).as("the raw credential never reaches the workload").isFalse();
    assertThat(headersSeen(allowed).getAsJsonArray("x-gantry-workspace").get(0).getAsString()).isEqualTo("demo");

    RawHttp.Response anonymous = london.get("agt-private-demo.us-pdx-1", "/");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(reason(anonymous)).isEqualTo("credentials-required");

    RawHttp.Response otherWorkspace =
        london.get("agt-private-demo.us-pdx-1", "/", "Authorization", "Bearer " + stack.jwks.token("other"));
    assertThat(otherWorkspace.status()).isEqualTo(403);
    assertThat(reason(otherWorkspace)).isEqualTo("wrong-workspace");

    RawHttp.Response forged = london.get("agt-private-demo.us-pdx-1", "/",
        "x-gantry-credential-kind", "jwt", "x-gantry-workspace", "demo", "x-gantry-subject", "root",
        "x-gantry-entered-at", "eu-par-1");
    assertThat(forged.status()).as("identity headers from a client are stripped, forwarded or not").isEqualTo(401);
  }

  @Order(4)
  /**
   * A request the entry gateway takes is never refused by the peer it forwards to: the largest
   * client header allowed plus the gateway's own fit the internal listener's limit; the client's
   * claimed address does not travel.
   */
  @Test
  void forwarded_largestAllowedClientHeader_andForgedForwardedFor_arriveAsTheEntryGatewaySaw() throws Exception {
    MultiRegionStack.Site london = stack.site("eu-lon-1");

    RawHttp.Response response = london.get("agt-echo-demo.us-pdx-1", "/", "x-big", "a".repeat(31 * 1024),
        "x-forwarded-for", "6.6.6.6");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(MultiRegionStack.servedBy(response)).isEqualTo("us-pdx-1");
    String forwardedFor = headersSeen(response).getAsJsonArray("x-forwarded-for").get(0).getAsString();
    assertThat(forwardedFor).as("the client's own address first, then the entry gateway's").startsWith("127.0.0.1")
        .doesNotContain("6.6.6.6");
  }

  @Test
  void internalListener_neverForwardsAgain() throws Exception {
    MultiRegionStack.Site paris = stack.site("eu-par-1");

    // As a peer gateway would send it: over mutual TLS with a gateway's certificate.
    RawHttp.Response response = RawHttp.get(TestPki.in(stack.workDir).tlsClient(dev.gantry.pki.Identity.gateway("eu-lon-1")),
        paris.internalPort, "agt-echo-demo.us-pdx-1.run.localhost:" + paris.gatewayPort, "/",
        RawHttp.headers("x-gantry-entered-at", "eu-lon-1"));

    assertThat(response.status()).as(response.body()).isEqualTo(502);
    assertThat(reason(response)).isEqualTo("forwarding-refused");
  }

  @Order(4)
  @Test
  void malformedSignatureStorm_throughAPeer_refusedEach_whileValidTrafficSeesNoFailure() throws Exception {
    MultiRegionStack.Site london = stack.site("eu-lon-1");
    String token = stack.jwks.token("demo");
    long now = java.time.Instant.now().getEpochSecond();
    List<String> malformed = List.of(String.valueOf(Long.MAX_VALUE), String.valueOf(Long.MIN_VALUE), "31556889864403200",
        String.valueOf(now - 1_000_000_000_000L));
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<Void> storm = java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 300; i++) {
        String created = malformed.get(i % malformed.size());
        try {
          // For a workload served in Paris, entered in London: refused where it enters (a private
          // workload's caller is admitted there), so nothing reaches Paris or counts against it.
          RawHttp.Response response = london.get("agt-private-demo.eu-par-1", "/",
              "Signature-Input", "sig=(\"@method\" \"@authority\" \"@path\");created=" + created + ";expires=" + created
                  + ";keyid=\"nobody\"",
              "Signature", "sig=:" + "A".repeat(86) + "==:");
          if (response.status() == 401) {
            refused.incrementAndGet();
          } else {
            unexpected.add(response.status() + " " + response.body());
          }
        } catch (Exception e) {
          unexpected.add(e.toString());
        }
        pause(5); // a storm, not a load test: the stack's 1.5 s replica leases need their heartbeats on 2 cores
      }
    });
    int served = 0;
    List<String> failures = new ArrayList<>();
    while (!storm.isDone()) {
      RawHttp.Response valid = london.get("agt-private-demo.eu-par-1", "/", "Authorization", "Bearer " + token);
      if (valid.status() == 200) {
        served++;
      } else {
        failures.add(valid.status() + " " + valid.body());
      }
      pause(10);
    }
    storm.get();
    for (int i = 0; i < 20; i++) {
      RawHttp.Response after = london.get("agt-private-demo.eu-par-1", "/", "Authorization", "Bearer " + token);
      assertThat(after.status()).as("after the storm: " + after.body()).isEqualTo(200);
    }

    assertThat(unexpected).as("every malformed request refused with 401, never an error").isEmpty();
    assertThat(refused.get()).isEqualTo(300);
    assertThat(failures).as("valid requests during the storm (" + served + " served)").isEmpty();
    assertThat(served).isPositive();
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Order(5)
  @Test
  void requestThatComesRoundToAGatewayAgain_isRefusedAsALoop() throws Exception {
    // As if eu-par-1 had already forwarded it once: eu-lon-1 forwards it to eu-par-1, which
    // sees its own Via token twice.
    RawHttp.Response response =
        stack.site("eu-lon-1").get("agt-echo-demo.eu-par-1", "/", "Via", "1.1 gantry-eu-par-1");

    assertThat(response.status()).as(response.body()).isEqualTo(508);
    assertThat(reason(response)).isEqualTo("forwarding-loop");
  }

  @Order(6)
  @Test
  void deployment_refusedByPlacementOrPolicy_writesNothing() {
    WorkloadServiceGrpc.WorkloadServiceBlockingStub workloads = WorkloadServiceGrpc.newBlockingStub(admin);
    long before = workloads.listWorkloads(dev.gantry.proto.admin.v1.ListWorkloadsRequest.getDefaultInstance()).getVersion();

    assertThatThrownBy(() -> workloads.createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId("sbx-two-demo").addRegions("eu-lon-1").addRegions("eu-par-1")).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("a sandbox runs in exactly one region");
    assertThatThrownBy(() -> workloads.createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId("mcp-eu-demo").addRegions("us-pdx-1").setPolicy(LocationPolicy.newBuilder().addContinents("EU"))).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining("may not be deployed to [us-pdx-1]");
    assertThatThrownBy(() -> PolicyServiceGrpc.newBlockingStub(admin).setLocationPolicy(SetLocationPolicyRequest.newBuilder()
            .setWorkspace("demo").setPolicy(LocationPolicy.newBuilder().addContinents("EU")).build()))
        .as("agt-echo-demo runs in us-pdx-1")
        .hasMessageContaining("deployed to [us-pdx-1]");

    assertThat(workloads.listWorkloads(dev.gantry.proto.admin.v1.ListWorkloadsRequest.getDefaultInstance()).getVersion())
        .as("nothing written").isEqualTo(before);
    assertThatThrownBy(() -> workloads.getWorkload(GetWorkloadRequest.newBuilder().setId("sbx-two-demo").build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Order(7)
  @Test
  void deployment_throughTheAdminApi_isServedEverywhere_onceAReplicaRegisters() throws Exception {
    var created = WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId("sbx-new-demo").setPublic(true)).setNear("us-pdx-1").build());
    assertThat(created.getWorkload().getRegionsList()).as("a sandbox: one region, the nearest to the one asked").containsExactly("us-pdx-1");

    ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload("sbx-new-demo").setRegion("us-pdx-1").setAddress("127.0.0.1:" + stack.site("us-pdx-1").echoPort)).setTtlMillis(60_000).build());

    Instant deadline = Instant.now().plusSeconds(10);
    RawHttp.Response response;
    do {
      response = stack.site("eu-lon-1").get("sbx-new-demo", "/");
      if (response.status() == 200) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (Instant.now().isBefore(deadline));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(MultiRegionStack.servedBy(response)).isEqualTo("us-pdx-1");
  }

  /**
   * An MCP session forwarded to another region stays on its replica: the entry gateway's envelope
   * names the peer gateway, the peer's names the replica, and each takes its own off again.
   */
  @Order(8)
  @Test
  void mcpSession_forwardedToAnotherRegion_staysOnItsReplica() throws Exception {
    String server = "mcp-fwd-demo";
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        dev.gantry.proto.fleet.v1.Workload.newBuilder().setId(server).setPublic(true).addRegions("eu-par-1")).build());
    io.netty.channel.EventLoopGroup loop = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.nio.NioIoHandler.newFactory());
    List<dev.gantry.demo.EchoServer> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        dev.gantry.demo.EchoServer replica = dev.gantry.demo.EchoServer.start(
            new java.net.InetSocketAddress("127.0.0.1", 0), server, "eu-par-1", loop);
        replicas.add(replica);
        ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(
            dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload(server).setRegion("eu-par-1")
                .setAddress("127.0.0.1:" + replica.port())).setPermanent(true).build());
      }
      MultiRegionStack.Site london = stack.site("eu-lon-1");
      java.util.Set<String> started = new java.util.HashSet<>();
      Instant deadline = Instant.now().plusSeconds(10);
      while (started.size() < 2 && Instant.now().isBefore(deadline)) {
        RawHttp.Response response = london.get(server + ".eu-par-1", "/mcp");
        if (response.status() == 200) {
          started.add(JsonParser.parseString(response.body()).getAsJsonObject().get("replica").getAsString());
        }
      }
      assertThat(started).as("both Paris replicas start sessions").hasSize(2);

      int misplaced = 0;
      for (int s = 0; s < 20; s++) {
        RawHttp.Response first = london.get(server + ".eu-par-1", "/mcp");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String id = first.headers().get("mcp-session-id");
        String replica = JsonParser.parseString(first.body()).getAsJsonObject().get("replica").getAsString();
        for (int r = 0; r < 10; r++) {
          RawHttp.Response next = london.get(r % 2 == 0 ? server : server + ".eu-par-1", "/mcp", "Mcp-Session-Id", id);
          if (next.status() != 200 || !MultiRegionStack.servedBy(next).equals("eu-par-1")
              || !JsonParser.parseString(next.body()).getAsJsonObject().get("replica").getAsString().equals(replica)) {
            misplaced++;
          }
        }
      }
      assertThat(misplaced).as("200 requests in 20 sessions, entered in London, served in Paris").isZero();
    } finally {
      for (dev.gantry.demo.EchoServer replica : replicas) {
        replica.close();
      }
      loop.shutdownGracefully();
    }
  }

  /** A sandbox's private preview port, asked for in another region: admitted there, served by the sandbox's. */
  @Order(8)
  @Test
  void previewPort_ofASandboxElsewhere_isForwardedWithTheIdentityAdmittedWhereItEntered() throws Exception {
    String sandbox = "sbx-mrp-demo";
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        dev.gantry.proto.fleet.v1.Workload.newBuilder().setId(sandbox).addRegions("eu-par-1")).build());
    ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(
        dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload(sandbox).setRegion("eu-par-1")
            .setAddress("127.0.0.1:" + stack.site("eu-par-1").echoPort)).setPermanent(true).build());
    io.netty.channel.EventLoopGroup loop = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.nio.NioIoHandler.newFactory());
    dev.gantry.demo.EchoServer devServer = dev.gantry.demo.EchoServer.start(
        new java.net.InetSocketAddress("127.0.0.1", 0), "dev-server", "eu-par-1", loop);
    try {
      var previews = dev.gantry.proto.admin.v1.PreviewServiceGrpc.newBlockingStub(admin);
      previews.createPreview(dev.gantry.proto.admin.v1.CreatePreviewRequest.newBuilder().setWorkload(sandbox)
          .setPort(devServer.port()).build());
      String token = previews.createPreviewToken(dev.gantry.proto.admin.v1.CreatePreviewTokenRequest.newBuilder()
          .setWorkload(sandbox).setPort(devServer.port()).build()).getToken();
      for (String[] entry : new String[][] {{"eu-lon-1", ".eu-par-1"}, {"us-pdx-1", ""}}) {
        String host = devServer.port() + "--" + sandbox + entry[1];
        Instant deadline = Instant.now().plusSeconds(10);
        RawHttp.Response response;
        do {
          response = stack.site(entry[0]).get(host, "/dev", "Authorization", "Bearer " + token);
        } while (response.status() != 200 && Instant.now().isBefore(deadline));
        assertThat(response.status()).as(entry[0] + " " + host + ": " + response.body()).isEqualTo(200);
        JsonObject echo = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(echo.get("replica").getAsString()).as("the sandbox's port, in Paris").endsWith(":" + devServer.port());
        assertThat(echo.getAsJsonObject("headers").getAsJsonArray("x-gantry-entered-at").get(0).getAsString())
            .isEqualTo(entry[0]);
        assertThat(echo.getAsJsonObject("headers").has("authorization")).isFalse();
      }
      RawHttp.Response anonymous = stack.site("eu-lon-1").get(devServer.port() + "--" + sandbox + ".eu-par-1", "/dev");
      assertThat(anonymous.status()).as("refused where it entered").isEqualTo(401);
    } finally {
      devServer.close();
      loop.shutdownGracefully();
    }
  }

  @Order(9)
  @Test
  void aPeerGatewayWithoutReplicas_isSkippedForTheNextRegion_beforeItsLeaseRunsOut() throws Exception {
    MultiRegionStack.Site london = stack.site("eu-lon-1");
    MultiRegionStack.Site portland = stack.site("us-pdx-1");
    long retriesBefore = retries(portland, "mcp-tools-demo@eu-lon-1+eu-par-1");
    // London's replicas stay registered (their leases renewed) but cannot be reached: the state a
    // crash leaves until its lease runs out, held for as long as the test needs, with no clock in
    // it. Portland still forwards there; London has nothing to serve with and says so
    // (x-gantry-not-served); Portland tries Paris.
    london.stopEchoKeepingLeases();
    try {
      // Until London's Envoy has noticed its closed connections (a request racing that may fail).
      for (int i = 0; i < 100 && !"eu-par-1".equals(MultiRegionStack.servedByOrNull(portland.get("mcp-tools-demo", "/"))); i++) {
        Thread.sleep(50);
      }
      for (int i = 0; i < 10; i++) {
        RawHttp.Response response = portland.get("mcp-tools-demo", "/");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(MultiRegionStack.servedBy(response)).isEqualTo("eu-par-1");
        assertThat(response.headers()).doesNotContainKey("x-gantry-not-served");
      }
      assertThat(retries(portland, "mcp-tools-demo@eu-lon-1+eu-par-1"))
          .as("Portland retried after London's not-served answers").isGreaterThan(retriesBefore);
      assertThat(stack.controlPlane.store().current().replicas()).as("London's replicas are still listed")
          .anyMatch(r -> r.region().equals("eu-lon-1") && r.workload().equals(dev.gantry.routing.WorkloadId.parse("mcp-tools-demo")));
    } finally {
      london.restartEchoBehindLeases();
    }
    stack.awaitServing();
  }

  /** Envoy's retry counter of one cluster at a gateway. */
  private static long retries(MultiRegionStack.Site site, String cluster) {
    return site.envoy.admin("/stats?filter=upstream_rq_retry$").lines()
        .filter(line -> line.startsWith("cluster." + cluster + ".upstream_rq_retry:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** mcp-tools-demo may only run in Europe: with both European regions down, a clear error, never the US. */
  @Order(10)
  @Test
  void everyAllowedRegionDown_isAClearError_neverAnotherRegion() throws Exception {
    MultiRegionStack.Site portland = stack.site("us-pdx-1");
    stack.site("eu-lon-1").crashEcho();
    stack.site("eu-par-1").crashEcho();
    try {
      Instant deadline = Instant.now().plus(MultiRegionStack.LEASE).plusSeconds(5);
      RawHttp.Response response;
      // Until the replicas' leases expire, the European gateways are still listed and answer for
      // their dead replicas (503 upstream-unreachable); then Portland has no healthy region left.
      do {
        response = portland.get("mcp-tools-demo", "/");
        assertThat(response.status() == 200 ? MultiRegionStack.servedBy(response) : "none")
            .as("never served outside its allowed regions").isNotEqualTo("us-pdx-1");
        if (response.status() == 503 && reason(response).equals("no-healthy-upstream")) {
          break;
        }
        if (response.status() != 200) {
          assertThat(response.status()).as(response.body()).isEqualTo(503);
          assertThat(reason(response)).as("meanwhile, a clear error too").isEqualTo("upstream-unreachable");
        }
        TimeUnit.MILLISECONDS.sleep(100);
      } while (Instant.now().isBefore(deadline));
      assertThat(response.status()).as(response.body()).isEqualTo(503);
      assertThat(reason(response)).isEqualTo("no-healthy-upstream");
      RawHttp.Response echo = portland.get("agt-echo-demo", "/");
      assertThat(MultiRegionStack.servedBy(echo)).as("agt-echo-demo may run in the US").isEqualTo("us-pdx-1");
    } finally {
      stack.site("eu-lon-1").startEcho();
      stack.site("eu-par-1").startEcho();
    }
    stack.awaitServing();
    // Portland's Envoy ejected London's gateway while it failed; it returns within the ejection time.
    Instant deadline = Instant.now().plusSeconds(40);
    RawHttp.Response back;
    do {
      back = portland.get("mcp-tools-demo", "/");
      TimeUnit.MILLISECONDS.sleep(100);
    } while (!(back.status() == 200 && MultiRegionStack.servedBy(back).equals("eu-lon-1")) && Instant.now().isBefore(deadline));
    assertThat(back.status() == 200 ? MultiRegionStack.servedBy(back) : back.body()).isEqualTo("eu-lon-1");
  }
}
