package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.demo.EchoServer;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.Replica;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
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
 * MCP session affinity through the real Envoy: three replicas of an MCP server, each issuing its
 * own sessions (the demo echo's {@code /mcp}: a session another replica issued gets 404 there);
 * every request of a session reaches the replica that issued it, on a new connection each time
 * and by the regional, group and global hostname alike; a replica that leaves takes its sessions
 * with it (404 {@code session-gone} from the gateway, never another replica), the others' go on.
 */
class McpSessionAffinityIT {

  private static final String SERVER = "mcp-sessions-demo";
  private static final int SESSIONS = 100;
  private static final int REQUESTS = 20;

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;
  private static final List<EchoServer> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    admin = stack.admin();
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().setId(SERVER).setPublic(true).addRegions("eu-lon-1")).build());
    for (int i = 0; i < 3; i++) {
      EchoServer replica = stack.startAnotherEcho(SERVER);
      replicas.add(replica);
      ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder()
          .setReplica(replica(replica)).setPermanent(true).build());
    }
    // Every replica in this Envoy's endpoints before the sessions start.
    for (int i = 0; i < 200 && seenReplicas() < 3; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (EchoServer replica : replicas) {
      replica.close();
    }
  }

  private static Replica replica(EchoServer echo) {
    return Replica.newBuilder().setWorkload(SERVER).setRegion("eu-lon-1").setAddress("127.0.0.1:" + echo.port()).build();
  }

  private static int seenReplicas() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      RawHttp.Response response = RawHttp.get(stack.gatewayPort, stack.host(SERVER + ".eu-lon-1"), "/mcp");
      if (response.status() == 200) {
        seen.add(json(response).get("replica").getAsString());
      }
    }
    return seen.size();
  }

  private static JsonObject json(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** A session: the id the gateway handed the client (the server's, enveloped), and the replica that issued it. */
  private record Session(String id, String replica) {}

  private static Session startSession(String host) throws Exception {
    RawHttp.Response started = RawHttp.get(stack.gatewayPort, host, "/mcp");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String id = started.headers().get("mcp-session-id");
    assertThat(id).as("the session id, with the gateway's envelope").contains(";UV:");
    assertThat(id).as("the server's own id travels encoded: the client treats the whole value as opaque")
        .doesNotContain(json(started).get("session").getAsString());
    return new Session(id, json(started).get("replica").getAsString());
  }

  private static RawHttp.Response inSession(String host, Session session) throws Exception {
    return RawHttp.get(stack.gatewayPort, host, "/mcp", RawHttp.headers("Mcp-Session-Id", session.id()));
  }

  @Test
  void everyRequestOfASession_reachesItsReplica_byEveryName_onNewConnections_untilItLeaves() throws Exception {
    List<String> hosts = List.of(stack.host(SERVER + ".eu-lon-1"), stack.host(SERVER + ".eu"), stack.host(SERVER));
    List<Session> sessions = new ArrayList<>();
    Map<String, Integer> perReplica = new HashMap<>();
    for (int s = 0; s < SESSIONS; s++) {
      Session session = startSession(hosts.get(s % hosts.size()));
      sessions.add(session);
      perReplica.merge(session.replica(), 1, Integer::sum);
    }
    assertThat(perReplica).as("sessions start on every replica (balanced as usual)").hasSize(3);

    int misplaced = 0;
    for (Session session : sessions) {
      for (int r = 0; r < REQUESTS; r++) {
        RawHttp.Response response = inSession(hosts.get(r % hosts.size()), session);
        // A misplaced request would be the other replica's 404 (it holds no such session).
        if (response.status() != 200 || !json(response).get("replica").getAsString().equals(session.replica())) {
          misplaced++;
        }
      }
    }
    assertThat(misplaced).as(SESSIONS * REQUESTS + " requests in " + SESSIONS + " sessions").isZero();

    // One replica stops. Still registered, its address still in this Envoy's endpoints: its
    // sessions' requests find nobody listening there, and must not be retried on another replica.
    EchoServer leaving = replicas.get(0);
    leaving.close();
    Session orphan = sessions.stream().filter(s -> s.replica().endsWith(":" + leaving.port())).findFirst().orElseThrow();
    for (String host : hosts) {
      RawHttp.Response refused = inSession(host, orphan);
      assertThat(refused.status()).as("a session of a stopped, still registered replica: " + refused.body()).isEqualTo(404);
      assertThat(json(refused).get("reason").getAsString()).isEqualTo("session-gone");
    }

    // Then it deregisters (as a stopped demo replica does): its address leaves the endpoints.
    ReplicaServiceGrpc.newBlockingStub(admin).deregisterReplica(DeregisterReplicaRequest.newBuilder()
        .setReplica(replica(leaving)).build());
    stack.awaitSidecarCurrent();
    for (int i = 0; i < 200 && stack.envoy.admin("/clusters").contains("127.0.0.1:" + leaving.port() + "::"); i++) {
      TimeUnit.MILLISECONDS.sleep(50); // until this Envoy has the endpoints without it
    }
    assertThat(stack.envoy.admin("/clusters")).doesNotContain("127.0.0.1:" + leaving.port() + "::");
    RawHttp.Response gone = inSession(hosts.get(0), orphan);

    assertThat(gone.status()).as(gone.body()).isEqualTo(404);
    assertThat(json(gone).get("reason").getAsString()).isEqualTo("session-gone");
    int orphans = 0;
    for (Session session : sessions) {
      RawHttp.Response response = inSession(hosts.get(1), session);
      if (session.replica().endsWith(":" + leaving.port())) {
        orphans++;
        assertThat(response.status()).as("a session of the replica that left: " + response.body()).isEqualTo(404);
        assertThat(json(response).get("reason").getAsString()).isEqualTo("session-gone");
      } else {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("replica").getAsString()).isEqualTo(session.replica());
      }
    }
    assertThat(orphans).isEqualTo(perReplica.get(orphan.replica()));

    Session fresh = startSession(hosts.get(2));
    assertThat(fresh.replica()).as("a new session starts on a replica still there").doesNotEndWith(":" + leaving.port());
  }

  @Test
  void aForgedOrForeignSessionValue_isBalancedAsUsual_neverRefusedByTheGateway() throws Exception {
    // A value the gateway did not envelope: no host is named, so the request is balanced; the
    // server that gets it answers for itself (the demo: 404 unknown-session, its own reason).
    RawHttp.Response response = RawHttp.get(stack.gatewayPort, stack.host(SERVER + ".eu-lon-1"), "/mcp",
        RawHttp.headers("Mcp-Session-Id", "not-one-of-ours"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(json(response).get("reason").getAsString()).isEqualTo("unknown-session");
  }
}
