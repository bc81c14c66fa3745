package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.demo.EchoServer;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.Replica;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Opt-in affinity through the real Envoy ({@code --affinity header:x-session}, {@code
 * cookie:sid}): three replicas; the requests of one key all reach one replica, on new
 * connections, and the keys spread over the replicas; a client cannot set the gateway's copy of
 * the key itself.
 */
class AffinityIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;
  private static final List<EchoServer> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    admin = stack.admin();
    Map<String, String> workloads = Map.of("agt-sticky-demo", "header:X-Session", "agt-crumbs-demo", "cookie:sid");
    workloads.forEach((id, affinity) -> WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest
        .newBuilder().setWorkload(Workload.newBuilder().setId(id).setPublic(true).addRegions("eu-lon-1")
            .setAffinity(affinity)).build()));
    for (int i = 0; i < 3; i++) {
      EchoServer replica = stack.startAnotherEcho("affinity");
      replicas.add(replica);
      for (String id : workloads.keySet()) {
        ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(
            Replica.newBuilder().setWorkload(id).setRegion("eu-lon-1").setAddress("127.0.0.1:" + replica.port()))
            .setPermanent(true).build());
      }
    }
    for (int i = 0; i < 200 && replicasSeen("agt-sticky-demo", List.of()) < 3; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (EchoServer replica : replicas) {
      replica.close();
    }
  }

  private static JsonObject get(String workload, String... headers) throws Exception {
    RawHttp.Response response = RawHttp.get(stack.gatewayPort, stack.host(workload + ".eu-lon-1"), "/a", RawHttp.headers(headers));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static int replicasSeen(String workload, List<String> headers) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      RawHttp.Response response = RawHttp.get(stack.gatewayPort, stack.host(workload + ".eu-lon-1"), "/a",
          RawHttp.headers(headers.toArray(String[]::new)));
      if (response.status() == 200) {
        seen.add(JsonParser.parseString(response.body()).getAsJsonObject().get("replica").getAsString());
      }
    }
    return seen.size();
  }

  /** Each key's replica over {@code perKey} requests, or "moved" when a key's requests reached two. */
  private static Map<String, String> placement(String workload, String header, String format, int keys, int perKey)
      throws Exception {
    Map<String, String> byKey = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      String key = "key-" + k;
      for (int r = 0; r < perKey; r++) {
        String replica = get(workload, header, format.formatted(key)).get("replica").getAsString();
        String before = byKey.putIfAbsent(key, replica);
        if (before != null && !before.equals(replica)) {
          byKey.put(key, "moved");
        }
      }
    }
    return byKey;
  }

  @Test
  void theSameHeaderValue_reachesTheSameReplica_andKeysSpread() throws Exception {
    Map<String, String> byKey = placement("agt-sticky-demo", "X-Session", "%s", 40, 10);

    assertThat(byKey.values()).as("every key's 10 requests on one replica").doesNotContain("moved");
    assertThat(Set.copyOf(byKey.values())).as("40 keys over 3 replicas").hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void theSameCookie_reachesTheSameReplica_amongOtherCookies() throws Exception {
    Map<String, String> byKey = placement("agt-crumbs-demo", "Cookie", "theme=dark; sid=%s; lang=en", 40, 10);

    assertThat(byKey.values()).doesNotContain("moved");
    assertThat(Set.copyOf(byKey.values())).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void withoutAKey_requestsAreBalanced_andAForgedKeyIsReplacedByTheRequestsOwn() throws Exception {
    assertThat(replicasSeen("agt-sticky-demo", List.of())).isGreaterThanOrEqualTo(2);

    JsonObject headers = get("agt-sticky-demo", "X-Session", "abc", "X-Gantry-Affinity", "forged").getAsJsonObject("headers");
    assertThat(headers.getAsJsonArray("x-session").get(0).getAsString()).isEqualTo("abc");
    assertThat(headers.getAsJsonArray("x-gantry-affinity")).as("the key hashed, as the gateway read it")
        .extracting(e -> e.getAsString()).containsExactly("abc");
    assertThat(get("agt-sticky-demo", "X-Gantry-Affinity", "forged").getAsJsonObject("headers").has("x-gantry-affinity"))
        .as("a client's own is stripped").isFalse();
  }

  @Test
  void aMalformedAffinity_isRefused_andWritesNothing() {
    for (String affinity : List.of("header:authorization", "header:x-gantry-cluster", "header:", "cookie:a b", "query:x",
        "header:mcp-session-id", "cookie:__Host-gantry-preview")) {
      assertThatThrownBy(() -> WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder()
          .setWorkload(Workload.newBuilder().setId("agt-badaff-demo").setPublic(true).addRegions("eu-lon-1")
              .setAffinity(affinity)).build()))
          .as(affinity)
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("expected: header:<name> or cookie:<name>");
          });
    }
  }
}
