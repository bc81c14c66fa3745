package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.util.Base64URL;
import dev.gantry.proto.admin.v1.ListWorkspacesRequest;
import dev.gantry.proto.admin.v1.SetJwtIssuersRequest;
import dev.gantry.proto.admin.v1.WorkspaceServiceGrpc;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bearer JWTs through the real Envoy: tenant isolation, per-product scopes, every refusal with
 * its status and reason, the JWKS fetched off the request path. The outage tests run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialsIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  private static RawHttp.Response get(String workload, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, stack.host(workload + ".eu-lon-1"), "/cred", RawHttp.headers(headers));
  }

  private static String reason(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString();
  }

  /**
   * The sidecar holds a snapshot back until its new issuers' keys are fetched, so even the very
   * first token after start is verified: no retry here.
   */
  private static RawHttp.Response withToken(String workload, String token) throws Exception {
    return get(workload, "Authorization", "Bearer " + token);
  }

  @Test
  @Order(1)
  void tokenOfTheWorkspace_reachesWorkload_withIdentity_withoutTheToken() throws Exception {
    RawHttp.Response response = withToken("agt-private-demo", stack.jwks.token("demo"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject headers = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers");
    assertThat(headers.getAsJsonArray("x-gantry-workspace").get(0).getAsString()).isEqualTo("demo");
    assertThat(headers.getAsJsonArray("x-gantry-subject").get(0).getAsString()).isEqualTo("e2e-user");
    assertThat(headers.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("jwt");
    assertThat(headers.getAsJsonArray("x-gantry-workload").get(0).getAsString()).isEqualTo("agt-private-demo");
    assertThat(headers.has("authorization")).as("the raw credential never reaches the workload").isFalse();
  }

  @Test
  @Order(2)
  void aTokenAnsweredFromTheCache_stopsAtOnce_whenItsIssuerIsRemoved_andWorksAgainWhenTrustedAgain() throws Exception {
    String token = stack.jwks.token("demo");
    assertThat(withToken("agt-private-demo", token).status()).isEqualTo(200);
    assertThat(withToken("agt-private-demo", token).status()).as("now from the verified-token cache").isEqualTo(200);
    WorkspaceServiceGrpc.WorkspaceServiceBlockingStub workspaces = WorkspaceServiceGrpc.newBlockingStub(stack.admin());
    java.util.List<dev.gantry.proto.fleet.v1.JwtIssuer> issuers = workspaces
        .listWorkspaces(ListWorkspacesRequest.getDefaultInstance()).getWorkspacesList().stream()
        .filter(w -> w.getWorkspace().getId().equals("demo")).findFirst().orElseThrow().getWorkspace().getJwtIssuersList();
    try {
      workspaces.setJwtIssuers(SetJwtIssuersRequest.newBuilder().setWorkspace("demo").build());
      RawHttp.Response refused = untilStatusIsNot(200, token);
      assertThat(refused.status()).as(refused.body()).isEqualTo(401);
      assertThat(reason(refused)).isEqualTo("unknown-issuer");
    } finally {
      workspaces.setJwtIssuers(SetJwtIssuersRequest.newBuilder().setWorkspace("demo").addAllJwtIssuers(issuers).build());
    }
    assertThat(untilStatusIsNot(401, token).status()).as("trusted again").isEqualTo(200);
  }

  /** The answer to {@code token} once it is no longer {@code status} (the new snapshot reached the sidecar), or the last one. */
  private static RawHttp.Response untilStatusIsNot(int status, String token) throws Exception {
    RawHttp.Response response = withToken("agt-private-demo", token);
    for (int i = 0; i < 100 && response.status() == status; i++) {
      Thread.sleep(50);
      response = withToken("agt-private-demo", token);
    }
    return response;
  }

  @Test
  @Order(2)
  void noToken_is401WithChallenge() throws Exception {
    RawHttp.Response response = get("agt-private-demo");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers().get("www-authenticate")).startsWith("Bearer");
    assertThat(reason(response)).isEqualTo("credentials-required");
  }

  @Test
  @Order(2)
  void tokenOfWorkspaceA_onWorkspaceBsWorkload_is403() throws Exception {
    withToken("agt-private-demo", stack.jwks.token("demo"));
    long served = stack.echo.requestsServed();

    RawHttp.Response response = get("agt-echo-other", "Authorization", "Bearer " + stack.jwks.token("demo"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(reason(response)).isEqualTo("wrong-workspace");
    assertThat(stack.echo.requestsServed()).isEqualTo(served);
    assertThat(withToken("agt-echo-other", stack.jwks.token("other")).status()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void tokenWithoutTheProductsScope_is403() throws Exception {
    withToken("agt-private-demo", stack.jwks.token("demo"));
    RawHttp.Response response =
        get("agt-private-demo", "Authorization", "Bearer " + stack.jwks.token("demo", c -> c.claim("scope", "mcp:call")));

    assertThat(response.status()).isEqualTo(403);
    assertThat(reason(response)).isEqualTo("insufficient-scope");
  }

  @Test
  @Order(2)
  void invalidTokens_are401WithTheirReason() throws Exception {
    withToken("agt-private-demo", stack.jwks.token("demo"));
    String valid = stack.jwks.token("demo");
    String[] parts = valid.split("\\.");
    String none = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + ".";
    String tampered = parts[0] + "." + Base64URL.encode(
        new String(Base64URL.from(parts[1]).decode()).replace("e2e-user", "admin")) + "." + parts[2];

    assertReason(stack.jwks.token("demo", c -> c.expirationTime(Date.from(Instant.now().minusSeconds(300)))), "token-expired");
    assertReason(stack.jwks.token("demo", c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))), "token-not-yet-valid");
    assertReason(stack.jwks.token("demo", c -> c.issuer("https://evil.test/demo")), "unknown-issuer");
    assertReason(stack.jwks.token("demo", c -> c.audience("elsewhere")), "wrong-audience");
    assertReason(none, "unsigned-token");
    assertReason(tampered, "bad-signature");
    assertReason("x".repeat(9000), "token-too-large");
  }

  @Test
  @Order(1)
  void tokensOfKeysThatMayNotVerify_andANonCanonicalSpelling_are401_whileTheSetsGoodKeyWorks() throws Exception {
    for (String kid : stack.jwks.unusable.keySet()) {
      assertReason(stack.jwks.token("demo", kid, c -> c), "unknown-kid");
    }
    // Dropped when the set loaded, and counted there by reason: what the operator's dashboard shows.
    Metrics metrics = stack.scrapeAuthz();
    assertThat(metrics.value("gantry_authz_jwks_keys_dropped_total", Map.of("reason", "not-for-signatures")))
        .as("e2e-enc, per load of the set").isPositive();
    assertThat(metrics.value("gantry_authz_jwks_keys_dropped_total", Map.of("reason", "rsa-too-small"))).isPositive();
    assertThat(metrics.value("gantry_authz_jwks_keys_dropped_total", Map.of("reason", "alg-mismatch"))).isPositive();
    double loads = metrics.value("gantry_authz_jwks_fetches_total", Map.of("result", "ok"));
    assertThat(loads).as("the test JWKS serves the demo and other workspaces' issuers from one set").isPositive();
    assertThat(metrics.value("gantry_authz_jwks_keys_dropped_total"))
        .as("three unusable keys in every set loaded, nothing else dropped").isEqualTo(3 * loads);
    String good = stack.jwks.token("demo");
    char last = good.charAt(good.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // RS256 over 2,048 bits: 256 bytes, 342 characters; the last one carries 4 unused bits.
    String strayBits = good.substring(0, good.length() - 1) + alphabet.charAt((alphabet.indexOf(last) + 1) % 64);
    assertReason(strayBits, "non-canonical-token");
    assertReason(good + "=", "non-canonical-token");
    assertThat(get("agt-private-demo", "Authorization", "Bearer " + good).status()).isEqualTo(200);
  }

  private static void assertReason(String token, String reason) throws Exception {
    RawHttp.Response response = get("agt-private-demo", "Authorization", "Bearer " + token);
    assertThat(response.status()).as(reason).isEqualTo(401);
    assertThat(reason(response)).isEqualTo(reason);
    assertThat(response.headers().get("www-authenticate")).contains("invalid_token");
  }

  @Test
  @Order(2)
  void twoAuthorizationHeaders_are401() throws Exception {
    String token = stack.jwks.token("demo");
    withToken("agt-private-demo", token);

    RawHttp.Response response = get("agt-private-demo", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token);

    assertThat(response.status()).isEqualTo(401);
    assertThat(reason(response)).isEqualTo("ambiguous-credentials");
  }

  @Test
  @Order(3)
  void floodOfRandomKids_reachesTheJwksEndpointAtTheBoundedRate() throws Exception {
    withToken("agt-private-demo", stack.jwks.token("demo"));
    int before = stack.jwks.requests.get();

    for (int i = 0; i < 200; i++) {
      RawHttp.Response response = get("agt-private-demo", "Authorization",
          "Bearer " + stack.jwks.token("demo", UUID.randomUUID().toString(), c -> c));
      assertThat(response.status()).isEqualTo(401);
      assertThat(reason(response)).isEqualTo("unknown-kid");
    }

    // The sidecar fetches a key set at most once per 10 s on unknown key ids (AuthzServer.JwksSettings).
    assertThat(stack.jwks.requests.get() - before).isLessThanOrEqualTo(1);
  }

  @Test
  @Order(4)
  void issuerAndControlPlaneDown_knownKeysKeepWorking_checksNeverWait() throws Exception {
    String seenBefore = stack.jwks.token("demo");
    assertThat(withToken("agt-private-demo", seenBefore).status()).isEqualTo(200);

    stack.jwks.close();
    stack.controlPlane.close();
    stack.controlPlane = null;

    // A token never seen, signed with the known key: verified from memory.
    assertThat(get("agt-private-demo", "Authorization", "Bearer " + stack.jwks.token("demo")).status()).isEqualTo(200);
    assertThat(get("agt-private-demo", "Authorization", "Bearer " + seenBefore).status()).isEqualTo(200);
    // A key id never seen: refused at once with a clear reason; the fetch it starts fails
    // in the background.
    RawHttp.Response unknown =
        get("agt-private-demo", "Authorization", "Bearer " + stack.jwks.token("demo", "rotated-2", c -> c));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(reason(unknown)).isEqualTo("unknown-kid");
  }
}
