package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.demo.EchoServer;
import dev.gantry.proto.admin.v1.CreatePreviewRequest;
import dev.gantry.proto.admin.v1.CreatePreviewTokenRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.CreatedPreviewToken;
import dev.gantry.proto.admin.v1.GetWorkloadRequest;
import dev.gantry.proto.admin.v1.PreviewServiceGrpc;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.RevokePreviewTokenRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.Replica;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Preview URLs through the real Envoy, {@code <port>--sbx-<name>-<workspace>.<location>.<base>}:
 * a sandbox (the stack's echo) with two private dev-server ports and a public one (each another
 * echo, on the same loopback address as the sandbox's replica). A private port opens with a
 * token of exactly that port — by header, or by query once (a redirect that sets a cookie), never
 * reaching the dev server — or with the workspace's own credentials; WebSocket and SSE pass.
 */
class PreviewIT {

  private static final String SANDBOX = "sbx-prev-demo";

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;
  private static EchoServer devServer;
  private static EchoServer otherPort;
  private static EchoServer publicPort;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    admin = stack.admin();
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        Workload.newBuilder().setId(SANDBOX).addRegions("eu-lon-1")).build());
    ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(
        Replica.newBuilder().setWorkload(SANDBOX).setRegion("eu-lon-1").setAddress("127.0.0.1:" + stack.echo.port()))
        .setPermanent(true).build());
    devServer = stack.startAnotherEcho("dev-server");
    otherPort = stack.startAnotherEcho("other-port");
    publicPort = stack.startAnotherEcho("public-port");
    previews().createPreview(CreatePreviewRequest.newBuilder().setWorkload(SANDBOX).setPort(devServer.port()).build());
    previews().createPreview(CreatePreviewRequest.newBuilder().setWorkload(SANDBOX).setPort(otherPort.port()).build());
    previews().createPreview(CreatePreviewRequest.newBuilder().setWorkload(SANDBOX).setPort(publicPort.port())
        .setPublic(true).build());
    stack.awaitSidecarCurrent();
    for (int i = 0; i < 200 && get(publicPort.port(), "/").status() != 200; i++) {
      TimeUnit.MILLISECONDS.sleep(50); // until this Envoy has the preview clusters
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (EchoServer echo : new EchoServer[] {devServer, otherPort, publicPort}) {
      if (echo != null) {
        echo.close();
      }
    }
  }

  private static PreviewServiceGrpc.PreviewServiceBlockingStub previews() {
    return PreviewServiceGrpc.newBlockingStub(admin);
  }

  private static String host(int port) {
    return port + "--" + SANDBOX + ".eu-lon-1.run.localhost";
  }

  private static RawHttp.Response get(int port, String path, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, host(port) + ":" + stack.gatewayPort, path, RawHttp.headers(headers));
  }

  private static CreatedPreviewToken token(int port, String ttl) {
    return previews().createPreviewToken(CreatePreviewTokenRequest.newBuilder().setWorkload(SANDBOX).setPort(port)
        .setTtl(ttl).build());
  }

  private static JsonObject json(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static String reason(RawHttp.Response response) {
    return json(response).get("reason").getAsString();
  }

  /** The first request after a token's write may reach a sidecar a snapshot behind: wait for it. */
  private static RawHttp.Response settled(int port, String path, int notStatus, String... headers) throws Exception {
    RawHttp.Response response = get(port, path, headers);
    for (int i = 0; i < 100 && response.status() == notStatus; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
      response = get(port, path, headers);
    }
    return response;
  }

  @Test
  void aPrivatePort_withoutAToken_is401() throws Exception {
    long servedBefore = devServer.requestsServed();

    RawHttp.Response refused = get(devServer.port(), "/");

    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(reason(refused)).isEqualTo("preview-token-required");
    assertThat(devServer.requestsServed()).as("nothing reached the dev server").isEqualTo(servedBefore);
  }

  @Test
  void aTokenInTheHeader_opensItsPort_andNeverReachesTheDevServer() throws Exception {
    String token = token(devServer.port(), "1h").getToken();

    RawHttp.Response response = settled(devServer.port(), "/app?x=1", 401, "Authorization", "Bearer " + token);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("replica").getAsString()).endsWith(":" + devServer.port());
    assertThat(json(response).get("path").getAsString()).isEqualTo("/app?x=1");
    JsonObject headers = json(response).getAsJsonObject("headers");
    assertThat(headers.has("authorization")).isFalse();
    assertThat(headers.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("preview_token");
  }

  @Test
  void aTokenInTheQuery_isTradedForACookie_byARedirect_andTheDevServerSeesNeither() throws Exception {
    String token = token(devServer.port(), "1h").getToken();

    RawHttp.Response redirect = settled(devServer.port(), "/page?a=1&gantry_preview_token=" + token + "&b=2", 401);

    assertThat(redirect.status()).as(redirect.body()).isEqualTo(303);
    assertThat(redirect.headers().get("location"))
        .isEqualTo("http://" + host(devServer.port()) + ":" + stack.gatewayPort + "/page?a=1&b=2");
    String cookie = redirect.headers().get("set-cookie");
    assertThat(cookie).startsWith("__Host-gantry-preview=" + token + "; Path=/; Max-Age=")
        .contains("; Secure").contains("; HttpOnly").contains("; SameSite=Lax").doesNotContain("Domain");
    long servedBefore = devServer.requestsServed();

    RawHttp.Response page = get(devServer.port(), "/page?a=1&b=2", "Cookie", "theme=dark; __Host-gantry-preview=" + token);

    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).doesNotContain(token);
    assertThat(json(page).getAsJsonObject("headers").getAsJsonArray("cookie").get(0).getAsString())
        .as("the app's own cookies pass, the preview's does not").isEqualTo("theme=dark");
    assertThat(devServer.requestsServed() - servedBefore).as("only the page reached the dev server").isEqualTo(1);
  }

  @Test
  void aTokenOfOnePort_isRefusedAtAnother_andAtTheSandboxItself() throws Exception {
    String token = token(devServer.port(), "1h").getToken();
    settled(devServer.port(), "/", 401, "Authorization", "Bearer " + token);

    RawHttp.Response otherPortAnswer = get(otherPort.port(), "/", "Authorization", "Bearer " + token);
    assertThat(otherPortAnswer.status()).as(otherPortAnswer.body()).isEqualTo(403);
    assertThat(reason(otherPortAnswer)).isEqualTo("wrong-preview");

    RawHttp.Response sandbox = RawHttp.get(stack.gatewayPort, stack.host(SANDBOX + ".eu-lon-1"), "/",
        RawHttp.headers("Authorization", "Bearer " + token));
    assertThat(sandbox.status()).as(sandbox.body()).isEqualTo(401);
    assertThat(reason(sandbox)).isEqualTo("preview-token-not-accepted");
    RawHttp.Response publicWorkload = RawHttp.get(stack.gatewayPort, stack.host("agt-echo-demo.eu-lon-1"), "/",
        RawHttp.headers("Authorization", "Bearer " + token));
    assertThat(publicWorkload.status()).as("a public workload would have served it: " + publicWorkload.body()).isEqualTo(401);
    assertThat(reason(publicWorkload)).isEqualTo("preview-token-not-accepted");
  }

  @Test
  void anExpiredOrRevokedToken_is401() throws Exception {
    CreatedPreviewToken revoked = token(devServer.port(), "1h");
    CreatedPreviewToken expiring = token(devServer.port(), "2s");
    assertThat(settled(devServer.port(), "/", 401, "Authorization", "Bearer " + revoked.getToken()).status()).isEqualTo(200);

    previews().revokePreviewToken(RevokePreviewTokenRequest.newBuilder().setWorkload(SANDBOX).setId(revoked.getId()).build());
    RawHttp.Response afterRevoke = settled(devServer.port(), "/", 200, "Authorization", "Bearer " + revoked.getToken());
    assertThat(afterRevoke.status()).as(afterRevoke.body()).isEqualTo(401);
    assertThat(reason(afterRevoke)).isEqualTo("preview-token-revoked");

    while (System.currentTimeMillis() / 1000 < expiring.getExpiresAtEpochSeconds()) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    RawHttp.Response afterExpiry = get(devServer.port(), "/", "Authorization", "Bearer " + expiring.getToken());
    assertThat(afterExpiry.status()).as(afterExpiry.body()).isEqualTo(401);
    assertThat(reason(afterExpiry)).isEqualTo("preview-token-expired");
    RawHttp.Response forged = get(devServer.port(), "/", "Authorization", "Bearer gp_" + revoked.getId() + "_forged");
    assertThat(reason(forged)).isEqualTo("bad-preview-token");
  }

  @Test
  void theWorkspacesOwnCredential_opensAPrivatePort_andTellsWhatIsNotExposed() throws Exception {
    String jwt = stack.jwks.token("demo", c -> c.claim("scope", "sbx:exec"));

    RawHttp.Response response = get(devServer.port(), "/", "Authorization", "Bearer " + jwt);
    assertThat(response.status()).as(response.body()).isEqualTo(200);

    RawHttp.Response unexposedAnonymous = get(1025, "/");
    assertThat(reason(unexposedAnonymous)).as("to a stranger, unexposed looks private").isEqualTo("preview-token-required");
    RawHttp.Response unexposed = get(1025, "/", "Authorization", "Bearer " + jwt);
    assertThat(unexposed.status()).isEqualTo(404);
    assertThat(reason(unexposed)).isEqualTo("unknown-preview");
    RawHttp.Response agentScope = get(devServer.port(), "/", "Authorization", "Bearer " + stack.jwks.token("demo"));
    assertThat(reason(agentScope)).isEqualTo("insufficient-scope");
  }

  @Test
  void webSocketAndSse_passThroughAPreview() throws Exception {
    String token = token(devServer.port(), "1h").getToken();
    settled(devServer.port(), "/", 401, "Authorization", "Bearer " + token);

    StreamClients.EchoSocket socket = StreamClients.EchoSocket.open(stack.plaintext(), host(devServer.port()),
        "Authorization", "Bearer " + token);
    socket.send("hot reload");
    for (int i = 0; i < 100 && socket.received.isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(socket.received).containsExactly("hot reload");
    socket.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);

    List<Integer> events = StreamClients.sse(stack.plaintext(), host(publicPort.port()), "/sse?n=5&interval_ms=20")
        .get(10, TimeUnit.SECONDS);
    assertThat(events).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aPublicPort_opensWithoutCredentials() throws Exception {
    RawHttp.Response response = get(publicPort.port(), "/");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("replica").getAsString()).endsWith(":" + publicPort.port());
  }

  @Test
  void previewsAreForSandboxes_onUnprivilegedPorts_andTokenHashesAreNeverShown() {
    assertThatThrownBy(() -> previews().createPreview(CreatePreviewRequest.newBuilder().setWorkload("agt-echo-demo")
        .setPort(3000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> previews().createPreview(CreatePreviewRequest.newBuilder().setWorkload(SANDBOX)
        .setPort(80).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    token(devServer.port(), "1h");

    Workload shown = WorkloadServiceGrpc.newBlockingStub(admin).getWorkload(GetWorkloadRequest.newBuilder().setId(SANDBOX).build())
        .getWorkload();
    assertThat(shown.getPreviewsList()).isNotEmpty();
    assertThat(shown.getPreviewsList().stream().flatMap(p -> p.getTokensList().stream()))
        .isNotEmpty().allSatisfy(t -> assertThat(t.getSecretSha256().isEmpty()).isTrue());
  }
}
