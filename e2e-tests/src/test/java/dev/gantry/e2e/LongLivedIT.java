package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.demo.EchoServer;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.CreatedApiKey;
import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.PolicyServiceGrpc;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import dev.gantry.proto.admin.v1.SetLocationPolicyRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.LocationPolicy;
import dev.gantry.proto.fleet.v1.Replica;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long-lived agent traffic through the real Envoy: calls that wait past Envoy's defaults, and
 * SSE, WebSocket and gRPC streams that config pushes never reset (docs/architecture.md: "The request path", "Envoy and library behaviour we rely on").
 */
class LongLivedIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  @Test
  void slowCall_20s_succeedsPastEnvoysDefaultRouteTimeout() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/slow?seconds=20");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("path").getAsString())
        .isEqualTo("/slow?seconds=20");
  }

  /**
   * Every timeout in the config Envoy holds, read from its admin {@code config_dump}, is either
   * off or at least ten minutes — except those that bound something other than a workload
   * stream: connecting, the authz call, keepalive pings and the arrival of a request's headers
   * (Envoy disarms {@code request_headers_timeout} at the last header byte, before the call starts).
   */
  @Test
  void configDump_hasNoTimeoutThatCutsATenMinuteCall() {
    JsonElement dump = JsonParser.parseString(stack.envoy.admin("/config_dump"));
    List<String> found = new ArrayList<>();
    List<String> tooShort = new ArrayList<>();
    walk(dump, "", (path, key, value) -> {
      if (!List.of("timeout", "stream_idle_timeout", "idle_timeout", "request_timeout", "max_stream_duration",
          "max_connection_duration", "request_headers_timeout", "grpc_timeout_header_max").contains(key)
          || path.contains("grpc_service") || path.contains("connection_keepalive") || path.contains("static_clusters")
          || key.equals("request_headers_timeout")) {
        return;
      }
      found.add(path + "." + key + "=" + value);
      long seconds = seconds(value);
      if (seconds != 0 && seconds < 600) {
        tooShort.add(path + "." + key + "=" + value);
      }
    });

    assertThat(found).as("the dump names the stream limits it sets")
        .anyMatch(f -> f.contains("route.timeout=0s"))
        .anyMatch(f -> f.contains("stream_idle_timeout"))
        .anyMatch(f -> f.contains("agt-echo-demo@eu-lon-1") && f.contains("max_stream_duration"));
    assertThat(tooShort).isEmpty();
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"plaintext", "https"})
  void sseWebSocketAndGrpcStreams_surviveTwentyConfigPushes(String transport) throws Exception {
    PublicPort port = stack.port(transport);
    long cdsBefore = stack.envoyStat("cluster_manager.cds.update_success");
    long authzVersionBefore = stack.authz.snapshots().current().version();

    // 600 events over 60 s.
    CompletableFuture<List<Integer>> sse =
        StreamClients.sse(port, "agt-echo-demo.eu-lon-1.run.localhost", "/sse?n=600&interval_ms=100");
    StreamClients.EchoSocket socket = StreamClients.EchoSocket.open(port, "agt-echo-demo.eu-lon-1.run.localhost");
    ManagedChannel channel = StreamClients.grpcChannel(port, "agt-grpc-echo-demo.eu-lon-1.run.localhost");
    StreamClients.Chat chat = new StreamClients.Chat(channel);

    int messages = 0;
    for (int push = 0; push < 20; push++) {
      for (int i = 0; i < 10; i++) {
        socket.send("ws-" + messages);
        chat.send(messages);
        messages++;
        TimeUnit.MILLISECONDS.sleep(250);
      }
      stack.pushConfigChange(push);
    }
    List<Integer> events = endStreams(sse, socket, chat, channel);

    assertThat(events).containsExactlyElementsOf(IntStream.range(0, 600).boxed().toList());
    assertEchoedInOrder(socket, chat, messages);
    assertThat(chat.answers).allSatisfy(m -> assertThat(m.getRegion()).isEqualTo("eu-lon-1"));
    // The pushes reached both Envoy (clusters) and the authz-service (snapshot versions).
    assertThat(stack.envoyStat("cluster_manager.cds.update_success") - cdsBefore).isGreaterThanOrEqualTo(10);
    assertThat(stack.authz.snapshots().current().version() - authzVersionBefore).isEqualTo(20);
  }

  /**
   * Streams of the very workloads being changed, as an operator changes them, each stream
   * running on an API key: SSE and a WebSocket on {@code agt-private-demo}, a gRPC stream on a
   * private gRPC workload created here. The changes: a replica added beside the one serving the
   * streams, that replica removed again, a location policy set on each workload, and the API key
   * the streams run on rotated (a new key, the old one revoked). Admission happens when a request
   * starts: the changes govern new requests at once (the revoked key is refused, the new key
   * served) and end none of the open streams; an open stream of a revoked key runs on until its
   * credential's expiry or the workload's stream limit (README, "API keys").
   */
  @Test
  void streamsOfTheChangedWorkloads_surviveReplicasAddedAndRemoved_aPolicyChange_andAKeyRotation() throws Exception {
    PublicPort port = stack.plaintext();
    ManagedChannel admin = stack.admin();
    var keys = ApiKeyServiceGrpc.newBlockingStub(admin);
    var replicas = ReplicaServiceGrpc.newBlockingStub(admin);
    String grpcWorkload = "agt-private-grpc-demo";
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        dev.gantry.proto.fleet.v1.Workload.newBuilder().setId(grpcWorkload).setProtocol("http2").addRegions("eu-lon-1")).build());
    replicas.registerReplica(RegisterReplicaRequest.newBuilder().setPermanent(true).setReplica(Replica.newBuilder()
        .setWorkload(grpcWorkload).setRegion("eu-lon-1").setAddress("127.0.0.1:" + stack.grpcEcho.getPort())).build());
    CreatedApiKey oldKey = keys.createApiKey(CreateApiKeyRequest.newBuilder().setWorkspace("demo").setName("old").build());
    awaitStatus(port, "agt-private-demo", 200, "X-Api-Key", oldKey.getKey());
    stack.awaitSidecarCurrent();
    awaitEnvoyStat("cluster." + grpcWorkload + "@eu-lon-1.membership_healthy", 1);
    long resetsBefore = stack.streamResets();
    long edsBefore = stack.envoyStat("cluster.agt-private-demo@eu-lon-1.update_success");
    long versionBefore = stack.authz.snapshots().current().version();

    // 300 events over 30 s, a WebSocket and a gRPC stream, each with the old key.
    CompletableFuture<List<Integer>> sse = StreamClients.sse(port, "agt-private-demo.eu-lon-1.run.localhost",
        "/sse?n=300&interval_ms=100", "X-Api-Key", oldKey.getKey());
    StreamClients.EchoSocket socket = StreamClients.EchoSocket.open(port, "agt-private-demo.eu-lon-1.run.localhost",
        "X-Api-Key", oldKey.getKey());
    ManagedChannel channel = StreamClients.grpcChannel(port, grpcWorkload + ".eu-lon-1.run.localhost");
    Metadata key = new Metadata();
    key.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), oldKey.getKey());
    StreamClients.Chat chat = new StreamClients.Chat(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(key)));
    int[] messages = {0};
    Step traffic = () -> {
      for (int i = 0; i < 4; i++) {
        socket.send("ws-" + messages[0]);
        chat.send(messages[0]);
        messages[0]++;
        TimeUnit.MILLISECONDS.sleep(250);
      }
    };
    traffic.run();

    List<String> changed = List.of("agt-private-demo", grpcWorkload);
    int writes = 0;
    try (EchoServer second = stack.startAnotherEcho("agt-private-demo")) {
      List<Replica> added = new ArrayList<>();
      for (String workload : changed) {
        // The gRPC workload's extra replica listens nowhere: what matters is the endpoint set changing.
        String address = "127.0.0.1:" + (workload.equals(grpcWorkload) ? 9 : second.port());
        Replica replica = Replica.newBuilder().setWorkload(workload).setRegion("eu-lon-1").setAddress(address).build();
        replicas.registerReplica(RegisterReplicaRequest.newBuilder().setReplica(replica).setPermanent(true).build());
        added.add(replica);
        writes++;
      }
      traffic.run();
      for (Replica replica : added) {
        replicas.deregisterReplica(DeregisterReplicaRequest.newBuilder().setReplica(replica).build());
        writes++;
      }
      traffic.run();
    }
    var policies = PolicyServiceGrpc.newBlockingStub(admin);
    for (String workload : changed) {
      policies.setLocationPolicy(SetLocationPolicyRequest.newBuilder().setWorkload(workload)
          .setPolicy(LocationPolicy.newBuilder().addContinents("EU")).build());
      writes++;
    }
    traffic.run();
    CreatedApiKey newKey = keys.createApiKey(CreateApiKeyRequest.newBuilder().setWorkspace("demo").setName("new").build());
    keys.revokeApiKey(RevokeApiKeyRequest.newBuilder().setId(oldKey.getInfo().getKey().getId()).build());
    writes += 2;
    assertThat(awaitStatus(port, "agt-private-demo", 401, "X-Api-Key", oldKey.getKey())).as("the old key, revoked").isEqualTo(401);
    assertThat(awaitStatus(port, "agt-private-demo", 200, "X-Api-Key", newKey.getKey())).as("the new key").isEqualTo(200);
    traffic.run();
    // Resets while every change was made (the clients' own ends below are not counted).
    long rxResets = stack.envoyStat("http.gateway.downstream_rq_rx_reset");
    long txResets = stack.envoyStat("http.gateway.downstream_rq_tx_reset");
    List<Integer> events = endStreams(sse, socket, chat, channel);

    assertThat(events).as("the SSE stream of the rotated key, whole").containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
    assertEchoedInOrder(socket, chat, messages[0]);
    assertThat(rxResets + txResets - resetsBefore).as("no stream reset (rx %d, tx %d in all)", rxResets, txResets).isZero();
    // The changes reached Envoy (the serving clusters' endpoints) and the sidecar (every write).
    assertThat(stack.envoyStat("cluster.agt-private-demo@eu-lon-1.update_success") - edsBefore).isGreaterThanOrEqualTo(2);
    assertThat(stack.authz.snapshots().current().version() - versionBefore).isGreaterThanOrEqualTo(writes);
  }

  /**
   * The replica serving an open stream deregistered (its workload left with none here): new
   * requests get 503 at once, while Envoy drains the removed replica's connections — the open
   * stream runs on to its end, as a replica that deregisters before it stops expects.
   */
  @Test
  void theServingReplicaRemoved_newRequestsRefused_itsOpenStreamRunsToItsEnd() throws Exception {
    PublicPort port = stack.plaintext();
    var replicas = ReplicaServiceGrpc.newBlockingStub(stack.admin());
    Replica serving = Replica.newBuilder().setWorkload("agt-echo-demo").setRegion("eu-lon-1")
        .setAddress("127.0.0.1:" + stack.echo.port()).build();
    long resetsBefore = stack.streamResets();
    CompletableFuture<List<Integer>> sse = StreamClients.sse(port, "agt-echo-demo.eu-lon-1.run.localhost",
        "/sse?n=60&interval_ms=100");
    try {
      // The stream is open at the replica (Envoy counts it active) before its replica goes.
      awaitEnvoyStat("cluster.agt-echo-demo@eu-lon-1.upstream_rq_active", 1);
      replicas.deregisterReplica(DeregisterReplicaRequest.newBuilder().setReplica(serving).build());
      assertThat(awaitStatus(port, "agt-echo-demo", 503)).as("no replica left for new requests").isEqualTo(503);
      assertThat(sse.get(30, TimeUnit.SECONDS)).as("the open stream, whole")
          .containsExactlyElementsOf(IntStream.range(0, 60).boxed().toList());
      assertThat(stack.streamResets() - resetsBefore).isZero();
    } finally {
      replicas.registerReplica(RegisterReplicaRequest.newBuilder().setReplica(serving).setPermanent(true).build());
      awaitStatus(port, "agt-echo-demo", 200);
    }
  }

  /** Waits until Envoy's stat {@code name} reaches {@code value} (at most 10 s). */
  private static void awaitEnvoyStat(String name, long value) throws InterruptedException {
    for (int i = 0; i < 200 && stack.envoyStat(name) < value; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertThat(stack.envoyStat(name)).as(name).isGreaterThanOrEqualTo(value);
  }

  /** Ends the client streams (gRPC half-close, WebSocket close 1000) and returns the SSE stream's event ids once it ended. */
  private static List<Integer> endStreams(CompletableFuture<List<Integer>> sse, StreamClients.EchoSocket socket,
      StreamClients.Chat chat, ManagedChannel channel) throws Exception {
    chat.finish();
    socket.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    List<Integer> events = sse.get(90, TimeUnit.SECONDS);
    chat.done.get(10, TimeUnit.SECONDS);
    assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    channel.shutdownNow();
    return events;
  }

  /** Every one of {@code messages} echoed, in order, on the WebSocket and the gRPC stream. */
  private static void assertEchoedInOrder(StreamClients.EchoSocket socket, StreamClients.Chat chat, int messages) {
    assertThat(socket.received).containsExactlyElementsOf(IntStream.range(0, messages).mapToObj(i -> "ws-" + i).toList());
    assertThat(chat.answers).extracting(m -> m.getSequence())
        .containsExactlyElementsOf(IntStream.range(0, messages).mapToObj(i -> (long) i).toList());
  }

  /** A step of a test that may throw. */
  private interface Step {
    void run() throws Exception;
  }

  /** The status {@code workload} answers with {@code headers}, once it is {@code expected} (or after 5 s of trying). */
  private static int awaitStatus(PublicPort port, String workload, int expected, String... headers) throws Exception {
    int status = 0;
    for (int i = 0; i < 100 && status != expected; i++) {
      if (i > 0) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      status = RawHttp.get(port.port(), stack.host(workload + ".eu-lon-1"), "/k", RawHttp.headers(headers)).status();
    }
    return status;
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"plaintext", "https"})
  void webSocketOverHttp2ExtendedConnect_reachesEcho_andSurvivesPushes(String transport) throws Exception {
    try (Http2WebSocket socket =
        Http2WebSocket.open(stack.port(transport), "agt-echo-demo.eu-lon-1.run.localhost", "/ws")) {
      String status = socket.status.get(10, TimeUnit.SECONDS);
      TimeUnit.MILLISECONDS.sleep(200);
      assertThat(status).as("CONNECT answered %s", socket.received).isEqualTo("200");
      for (int i = 0; i < 8; i++) {
        socket.send("h2-" + i);
        stack.pushConfigChange(200 + i);
        TimeUnit.MILLISECONDS.sleep(200);
      }
      for (int wait = 0; wait < 50 && socket.received.size() < 8; wait++) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertThat(socket.received).containsExactlyElementsOf(IntStream.range(0, 8).mapToObj(i -> "h2-" + i).toList());
    }
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"plaintext", "https"})
  void twoThousandConcurrentStreams_configChanges_zeroResets(String transport) throws Exception {
    int streams = 2000;
    int rounds = 10;
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      channels.add(StreamClients.grpcChannel(stack.port(transport), "agt-grpc-echo-demo.eu-lon-1.run.localhost"));
    }
    // Both public listeners share the connection manager and its stat prefix ("gateway").
    long resetsBefore = stack.streamResets();
    // Opened at 1,000 a second: this JVM also runs the authz-service, the echo and every
    // client, on two cores; a cold burst of 2,000 checks at once is a benchmark's question.
    List<StreamClients.Chat> chats = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      StreamClients.Chat chat = new StreamClients.Chat(channels.get(s % channels.size()));
      chat.send(0);
      chats.add(chat);
      if (s % 100 == 99) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }

    for (int round = 1; round < rounds; round++) {
      for (StreamClients.Chat chat : chats) {
        chat.send(round);
      }
      stack.pushConfigChange(100 + round);
      TimeUnit.MILLISECONDS.sleep(500);
    }
    chats.forEach(StreamClients.Chat::finish);

    List<Throwable> failures = new ArrayList<>();
    for (StreamClients.Chat chat : chats) {
      try {
        chat.done.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures.add(e);
      }
    }
    channels.forEach(ManagedChannel::shutdownNow);

    assertThat(failures).as(() -> failures.size() + " streams failed; Envoy: "
        + stack.envoy.admin("/stats?filter=ext_authz%7Cgantry-authz.*(timeout%7Cfail%7Cerror%7Coverflow%7Cpending)")).isEmpty();
    assertThat(chats).allSatisfy(chat -> assertThat(chat.answers).hasSize(rounds));
    assertThat(stack.streamResets() - resetsBefore).isZero();
  }

  private interface Visitor {
    void visit(String path, String key, String value);
  }

  /** Visits every string-valued field; the path names the enclosing resources. */
  private static void walk(JsonElement element, String path, Visitor visitor) {
    if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      String here = object.has("name") && object.get("name").isJsonPrimitive()
          ? path + "[" + object.get("name").getAsString() + "]" : path;
      for (Map.Entry<String, JsonElement> field : object.entrySet()) {
        if (field.getValue().isJsonPrimitive()) {
          visitor.visit(here, field.getKey(), field.getValue().getAsString());
        } else {
          walk(field.getValue(), here + "." + field.getKey(), visitor);
        }
      }
    } else if (element.isJsonArray()) {
      element.getAsJsonArray().forEach(e -> walk(e, path, visitor));
    }
  }

  /** "3600s", "0.250s" → whole seconds (a fraction of a second counts as 1). */
  private static long seconds(String duration) {
    double value = Double.parseDouble(duration.replace("s", ""));
    return value == 0 ? 0 : Math.max(1, (long) value);
  }
}
