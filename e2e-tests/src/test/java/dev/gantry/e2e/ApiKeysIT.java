package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreatedApiKey;
import dev.gantry.proto.admin.v1.ListApiKeysRequest;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API keys through the real Envoy: issued by the control plane and shown once, sent as a bearer
 * token or X-Api-Key, scoped to a workspace and products, revoked everywhere within a moment;
 * and a stream never outliving its credential.
 */
class ApiKeysIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;

  @BeforeAll
  static void start() {
    stack = STACKS.stack();
    admin = stack.admin();
  }


  private static CreatedApiKey create(String workspace, String scope, long ttlSeconds) {
    CreateApiKeyRequest.Builder request = CreateApiKeyRequest.newBuilder().setWorkspace(workspace).setName("it")
        .setTtlSeconds(ttlSeconds);
    if (scope != null) {
      request.addScopes(scope);
    }
    return ApiKeyServiceGrpc.newBlockingStub(admin).createApiKey(request.build());
  }

  private static RawHttp.Response get(String workload, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, stack.host(workload + ".eu-lon-1"), "/k", RawHttp.headers(headers));
  }

  private static String reason(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString();
  }

  /** Until the sidecar has the snapshot with the key (a write reaches it in milliseconds). */
  private static RawHttp.Response awaitNot(int status, String workload, String... headers) throws Exception {
    RawHttp.Response response = get(workload, headers);
    for (int i = 0; i < 100 && response.status() == status; i++) {
      TimeUnit.MILLISECONDS.sleep(20);
      response = get(workload, headers);
    }
    return response;
  }

  @Test
  void key_asBearerOrXApiKey_reachesItsWorkspace_withIdentity_neverTheKey() throws Exception {
    CreatedApiKey created = create("demo", null, 0);
    assertThat(created.getKey()).startsWith("gk_" + created.getInfo().getKey().getId() + "_");

    RawHttp.Response bearer = awaitNot(401, "agt-private-demo", "Authorization", "Bearer " + created.getKey());
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
    RawHttp.Response header = get("agt-private-demo", "X-Api-Key", created.getKey());
    assertThat(header.status()).as(header.body()).isEqualTo(200);
    JsonObject seen = JsonParser.parseString(header.body()).getAsJsonObject().getAsJsonObject("headers");
    assertThat(seen.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("api_key");
    assertThat(seen.getAsJsonArray("x-gantry-credential-id").get(0).getAsString()).isEqualTo(created.getInfo().getKey().getId());
    assertThat(seen.has("x-api-key")).as("the key never reaches the workload").isFalse();
    assertThat(seen.has("authorization")).isFalse();

    RawHttp.Response otherWorkspace = get("agt-echo-other", "X-Api-Key", created.getKey());
    assertThat(otherWorkspace.status()).isEqualTo(403);
    assertThat(reason(otherWorkspace)).isEqualTo("wrong-workspace");

    String tampered = created.getKey().substring(0, created.getKey().length() - 2) + "xx";
    RawHttp.Response bad = get("agt-private-demo", "X-Api-Key", tampered);
    assertThat(bad.status()).isEqualTo(401);
    assertThat(reason(bad)).isEqualTo("bad-key");

    assertThat(ApiKeyServiceGrpc.newBlockingStub(admin).listApiKeys(ListApiKeysRequest.newBuilder().setWorkspace("demo").build())
        .toString()).as("listing never shows the key").doesNotContain(secretOf(created));
  }

  /** The key's secret part: whatever follows "gk_<id>_" (the secret's own alphabet includes '_'). */
  private static String secretOf(CreatedApiKey created) {
    return created.getKey().substring(("gk_" + created.getInfo().getKey().getId() + "_").length());
  }

  @Test
  void keyWithoutTheProductsScope_isForbidden() throws Exception {
    CreatedApiKey mcpOnly = create("demo", "mcp:call", 0);

    RawHttp.Response response = awaitNot(401, "agt-private-demo", "X-Api-Key", mcpOnly.getKey());
    assertThat(response.status()).isEqualTo(403);
    assertThat(reason(response)).isEqualTo("insufficient-scope");
  }

  @Test
  void revokedKey_isRefusedAtOnce() throws Exception {
    CreatedApiKey created = create("demo", null, 0);
    assertThat(awaitNot(401, "agt-private-demo", "X-Api-Key", created.getKey()).status()).isEqualTo(200);

    ApiKeyServiceGrpc.newBlockingStub(admin).revokeApiKey(RevokeApiKeyRequest.newBuilder().setId(created.getInfo().getKey().getId()).build());
    RawHttp.Response response = awaitNot(200, "agt-private-demo", "X-Api-Key", created.getKey());

    assertThat(response.status()).isEqualTo(401);
    assertThat(reason(response)).isEqualTo("key-revoked");
  }

  @Test
  void aStreamNeverOutlivesItsCredential() throws Exception {
    CreatedApiKey shortLived = create("demo", null, 4);
    assertThat(awaitNot(401, "agt-private-demo", "X-Api-Key", shortLived.getKey()).status()).isEqualTo(200);

    // 30 events, one every 500 ms: 15 s, far past the key's 4 s.
    String received;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", stack.gatewayPort), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /sse?n=30&interval_ms=500 HTTP/1.1\r\nHost: " + stack.host("agt-private-demo.eu-lon-1")
          + "\r\nX-Api-Key: " + shortLived.getKey() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      received = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    long events = received.lines().filter(l -> l.startsWith("data:")).count();

    assertThat(received).startsWith("HTTP/1.1 200");
    assertThat(events).as("the stream was cut when the key expired, not after all 30 events").isBetween(1L, 29L);
    RawHttp.Response after = get("agt-private-demo", "X-Api-Key", shortLived.getKey());
    assertThat(after.status()).isEqualTo(401);
    assertThat(reason(after)).isIn("key-expired", "credential-expired");
  }
}
