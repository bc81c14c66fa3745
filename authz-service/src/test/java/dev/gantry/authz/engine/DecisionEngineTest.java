package dev.gantry.authz.engine;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.ApiKeyEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.AuthzSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

  private static TestIssuer issuer;
  private DecisionEngine engine;
  private final AuthzSnapshot snapshot = Snapshots.demo();

  @BeforeAll
  static void keys() throws Exception {
    issuer = new TestIssuer();
  }

  /** The engine's time: fixed, so durations derived from it are exact. */
  private java.time.Instant now;

  @BeforeEach
  void engine() {
    now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
    engine = new DecisionEngine("eu-lon-1", new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), clock),
        new dev.gantry.authz.credential.ApiKeyAuthenticator(clock), new dev.gantry.authz.credential.MessageSignatures(clock), clock);
  }

  private Decision decide(String host, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, "GET", "/", headers));
  }

  private Decision decide(String host) {
    return decide(host, Map.of());
  }

  @Test
  void decide_publicWorkloadDeployedHere_allowsToLocalCluster() {
    Decision.Allow allow = (Decision.Allow) decide("agt-echo-demo.eu-lon-1.run.localhost:10000");

    assertThat(allow.cluster()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-cluster", "agt-echo-demo@eu-lon-1")
        .containsEntry("x-gantry-workload", "agt-echo-demo")
        .containsEntry("x-gantry-subject", "anonymous")
        .containsEntry("x-gantry-credential-kind", "none")
        .containsEntry("x-gantry-region", "eu-lon-1")
        .doesNotContainKey("x-gantry-workspace");
  }

  @Test
  void decide_groupAndGlobalIncludingHere_allow() {
    assertThat(decide("agt-echo-demo.eu.run.localhost")).isInstanceOf(Decision.Allow.class);
    assertThat(decide("agt-echo-demo.run.localhost")).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void decide_clientSentGatewayHeaders_areRemoved_exceptThoseReplaced() {
    Decision.Allow allow =
        (Decision.Allow) decide("agt-echo-demo.run.localhost",
            Map.of("x-gantry-workspace", "other", "x-gantry-subject", "root", "accept", "*/*"));

    assertThat(allow.headersToRemove()).containsExactly("x-gantry-workspace");
    assertThat(allow.headersToSet()).containsEntry("x-gantry-subject", "anonymous");
  }

  @Test
  void decide_malformedHost_isDenied400WithGrammarReason() {
    Decision.Deny deny = (Decision.Deny) decide("xyz-echo-demo.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(400);
    assertThat(deny.reason()).isEqualTo("unknown-product");
    assertThat(deny.message()).contains("expected: agt, mcp or sbx");
  }

  @Test
  void decide_unknownWorkload_looksPrivateToStrangers_andIsA404OnlyToItsOwnWorkspace() throws Exception {
    Decision.Deny unknown = (Decision.Deny) decide("agt-nobody-demo.eu-lon-1.run.localhost");
    Decision.Deny existing = (Decision.Deny) decide("agt-private-demo.eu-lon-1.run.localhost");

    assertThat(unknown.httpStatus()).isEqualTo(existing.httpStatus()).isEqualTo(401);
    assertThat(unknown.reason()).isEqualTo(existing.reason()).isEqualTo("credentials-required");
    assertThat(unknown.message().replace("agt-nobody-demo", "X"))
        .as("the same words but for the name the caller chose").isEqualTo(existing.message().replace("agt-private-demo", "X"));
    assertThat(unknown.responseHeaders()).isEqualTo(existing.responseHeaders());
    Decision.Deny elsewhere = (Decision.Deny) decide("agt-private-demo.us-pdx-1.run.localhost");
    assertThat(elsewhere.reason()).as("where a private workload runs is not told to strangers").isEqualTo("credentials-required");

    String demo = "Bearer " + issuer.rs256(c -> c);
    Decision.Deny own = (Decision.Deny) decide("agt-nobody-demo.eu-lon-1.run.localhost", Map.of("authorization", demo));
    assertThat(own.httpStatus()).isEqualTo(404);
    assertThat(own.reason()).isEqualTo("unknown-workload");
    Decision.Deny others = (Decision.Deny) decide("agt-nobody-other.eu-lon-1.run.localhost", Map.of("authorization", demo));
    assertThat(others.reason()).as("another workspace's names: not told").isEqualTo("wrong-workspace");
    Decision.Deny notThere = (Decision.Deny) decide("agt-private-demo.us-pdx-1.run.localhost", Map.of("authorization", demo));
    assertThat(notThere.httpStatus()).as("its own caller learns where it runs").isEqualTo(421);
  }

  @Test
  void decide_unknownLocation_isDenied404NamingTheLabels() {
    Decision.Deny deny = (Decision.Deny) decide("agt-echo-demo.mars-1.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(404);
    assertThat(deny.reason()).isEqualTo("unknown-location");
    assertThat(deny.message()).contains("mars-1").contains("eu-lon-1").contains("eu");
  }

  @Test
  void decide_locationWhereNotDeployed_isDenied421() {
    Decision.Deny deny = (Decision.Deny) decide("agt-echo-demo.us.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(421);
    assertThat(deny.reason()).isEqualTo("not-deployed-in-location");
    assertThat(deny.message()).contains("[eu-lon-1]");
  }

  @Test
  void decide_deployedOnlyElsewhere_forwardsUnauthenticatedToThatRegionsGateway() {
    Decision.Allow allow = (Decision.Allow) decide("agt-far-demo.run.localhost",
        Map.of("authorization", "Bearer x", "x-gantry-subject", "forged"));

    assertThat(allow.cluster()).isEqualTo("agt-far-demo@us-pdx-1");
    assertThat(allow.headersToSet())
        .containsOnlyKeys("x-gantry-cluster", "x-gantry-entered-at")
        .containsEntry("x-gantry-entered-at", "eu-lon-1");
    assertThat(allow.headersToRemove()).containsExactly("x-gantry-subject").doesNotContain("authorization");
  }

  @Test
  void decide_groupAndGlobal_nameTheirTargetSetsCluster_localFirstIsTheControlPlanesJob() {
    assertThat(((Decision.Allow) decide("agt-multi-demo.eu.run.localhost")).cluster())
        .isEqualTo("agt-multi-demo@eu-lon-1+eu-par-1");
    assertThat(((Decision.Allow) decide("agt-multi-demo.run.localhost")).cluster())
        .isEqualTo("agt-multi-demo@eu-lon-1+eu-par-1+us-pdx-1");
    assertThat(((Decision.Allow) decide("agt-multi-demo.eu-lon-1.run.localhost")).cluster())
        .isEqualTo("agt-multi-demo@eu-lon-1");
    assertThat(((Decision.Allow) decide("agt-multi-demo.us.run.localhost")).cluster())
        .isEqualTo("agt-multi-demo@us-pdx-1");
  }

  @Test
  void decide_locationThePolicyForbids_isDenied403_andGlobalNeverIncludesIt() {
    Decision.Deny deny = (Decision.Deny) decide("mcp-eu-demo.us-pdx-1.run.localhost");
    assertThat(deny.httpStatus()).isEqualTo(403);
    assertThat(deny.reason()).isEqualTo("location-not-allowed");
    assertThat(deny.message()).contains("continents [EU]");

    assertThat(((Decision.Allow) decide("mcp-eu-demo.run.localhost")).cluster())
        .isEqualTo("mcp-eu-demo@eu-lon-1+eu-par-1");
  }

  @Test
  void decide_atAnotherGateway_policyStillHolds() {
    DecisionEngine pdx = new DecisionEngine("us-pdx-1", new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), Clock.systemUTC()));

    Decision.Allow allow = (Decision.Allow) pdx.decide(snapshot, new RequestFacts("mcp-eu-demo.run.localhost", "GET", "/", Map.of()));

    assertThat(allow.cluster()).isEqualTo("mcp-eu-demo@eu-lon-1+eu-par-1");
    assertThat(allow.headersToSet()).doesNotContainKey("x-gantry-subject");
  }

  @Test
  void allow_saysWhetherTheRequestGoesOnToAPeerGateway_publicOrPrivate() throws Exception {
    DecisionEngine pdx = new DecisionEngine("us-pdx-1", new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), Clock.systemUTC()));
    String demo = "Bearer " + issuer.rs256(c -> c);

    Decision.Allow privateElsewhere = (Decision.Allow) pdx.decide(snapshot,
        new RequestFacts("agt-private-demo.run.localhost", "GET", "/", Map.of("authorization", demo)));
    Decision.Allow publicElsewhere = (Decision.Allow) pdx.decide(snapshot, new RequestFacts("mcp-eu-demo.run.localhost", "GET", "/", Map.of()));
    Decision.Allow privateHere = (Decision.Allow) decide("agt-private-demo.run.localhost", Map.of("authorization", demo));
    Decision.Allow publicHere = (Decision.Allow) decide("agt-echo-demo.eu-lon-1.run.localhost");

    assertThat(privateElsewhere.forwarded()).as("admitted here, with its identity, served in eu-lon-1").isTrue();
    assertThat(publicElsewhere.forwarded()).isTrue();
    assertThat(privateHere.forwarded()).isFalse();
    assertThat(publicHere.forwarded()).isFalse();
  }

  private Decision forwarded(String host, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, "GET", "/", headers, RequestFacts.Listener.INTERNAL));
  }

  @Test
  void decide_internalListener_trustsThePeersIdentity_andServesLocallyOnly() {
    Decision.Allow allow = (Decision.Allow) forwarded("agt-multipriv-demo.eu.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-credential-kind", "jwt",
        "x-gantry-credential-id", "t1", "x-gantry-entered-at", "eu-par-1", "x-gantry-region", "eu-par-1"));

    assertThat(allow.cluster()).isEqualTo("agt-multipriv-demo@eu-lon-1");
    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-subject", "alice")
        .containsEntry("x-gantry-workspace", "demo")
        .containsEntry("x-gantry-entered-at", "eu-par-1")
        .containsEntry("x-gantry-region", "eu-lon-1");
  }

  @Test
  void decide_internalListener_withoutIdentity_authenticatesHere() {
    Decision.Deny deny = (Decision.Deny) forwarded("agt-multipriv-demo.eu-lon-1.run.localhost",
        Map.of("x-gantry-entered-at", "us-pdx-1"));

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");
  }

  @Test
  void decide_internalListener_neverForwardsAgain() {
    Decision.Deny deny = (Decision.Deny) forwarded("agt-far-demo.run.localhost", Map.of("x-gantry-entered-at", "eu-par-1"));

    assertThat(deny.httpStatus()).isEqualTo(502);
    assertThat(deny.reason()).isEqualTo("forwarding-refused");
  }

  @Test
  void decide_requestThatPassedThisGatewayBefore_isALoop() {
    Decision.Deny deny = (Decision.Deny) decide("agt-multi-demo.run.localhost",
        Map.of("via", "1.1 gantry-eu-lon-1, gantry-eu-par-1,gantry-eu-lon-1"));
    assertThat(deny.httpStatus()).isEqualTo(508);
    assertThat(deny.reason()).isEqualTo("forwarding-loop");

    assertThat(decide("agt-multi-demo.run.localhost", Map.of("via", "1.1 proxy, gantry-eu-par-1, gantry-eu-lon-1")))
        .isInstanceOf(Decision.Allow.class);
  }

  @Test
  void decide_privateWorkloadWithTokenOfItsWorkspace_allowsWithIdentity_andDropsTheToken() throws Exception {
    Decision.Allow allow = (Decision.Allow) decide("agt-private-demo.eu-lon-1.run.localhost",
        Map.of("authorization", "Bearer " + issuer.rs256(c -> c), "x-gantry-extra", "x"));

    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-workspace", "demo")
        .containsEntry("x-gantry-subject", "alice")
        .containsEntry("x-gantry-credential-kind", "jwt")
        .containsEntry("x-gantry-credential-id", "token-1");
    assertThat(allow.headersToRemove()).containsExactlyInAnyOrder("authorization", "x-gantry-extra");
  }

  @Test
  void decide_tokenOfOtherWorkspace_isDenied403() throws Exception {
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.run.localhost",
        Map.of("authorization", "Bearer " + issuer.otherRs256()));

    assertThat(deny.httpStatus()).isEqualTo(403);
    assertThat(deny.reason()).isEqualTo("wrong-workspace");
  }

  @Test
  void decide_tokenWithoutTheProductsScope_isDenied403() throws Exception {
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.run.localhost",
        Map.of("authorization", "Bearer " + issuer.rs256(c -> c.claim("scope", "mcp:call"))));

    assertThat(deny.httpStatus()).isEqualTo(403);
    assertThat(deny.reason()).isEqualTo("insufficient-scope");
    assertThat(deny.responseHeaders().get("www-authenticate")).contains("insufficient_scope").contains("agt:invoke");
  }

  @Test
  void decide_invalidToken_isDenied401InvalidToken() throws Exception {
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.run.localhost",
        Map.of("authorization", "Bearer " + issuer.rs256(c -> c.audience("elsewhere"))));

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("wrong-audience");
    assertThat(deny.responseHeaders().get("www-authenticate")).contains("invalid_token");
  }

  @Test
  void decide_twoAuthorizationHeaders_isDenied401() throws Exception {
    String token = issuer.rs256(c -> c);
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.run.localhost",
        Map.of("authorization", "Bearer " + token + ",Bearer " + token));

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("ambiguous-credentials");
  }

  @Test
  void decide_publicWorkload_dropsAnyCredential() throws Exception {
    Decision.Allow allow = (Decision.Allow) decide("agt-echo-demo.run.localhost",
        Map.of("authorization", "Bearer whatever"));

    assertThat(allow.headersToRemove()).containsExactly("authorization");
    assertThat(allow.headersToSet()).containsEntry("x-gantry-subject", "anonymous");
  }

  @Test
  void decide_privateWorkloadWithoutCredential_isDenied401WithChallenge() {
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.eu-lon-1.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");
    assertThat(deny.responseHeaders()).containsKey("www-authenticate");
  }

  private AuthzSnapshot withNames() {
    return snapshot.withNames(new Names(Set.of("legacy.run.localhost"),
        Map.of(dev.gantry.routing.WorkloadId.parse("agt-oldecho-demo"), dev.gantry.routing.WorkloadId.parse("agt-echo-demo"),
            dev.gantry.routing.WorkloadId.parse("agt-oldprivate-demo"), dev.gantry.routing.WorkloadId.parse("agt-private-demo")),
        Map.of("agents.acme.example", new Names.DomainTarget(dev.gantry.routing.WorkloadId.parse("agt-multi-demo"), "eu"))));
  }

  @Test
  void decide_legacyUrl_namesTheWorkloadFromThePath_andItsCanonicalHost() {
    Decision.Allow allow = (Decision.Allow) engine.decide(withNames(),
        new RequestFacts("Legacy.Run.Localhost:10000", "GET", "/demo/agents/echo/a//b?c=d", Map.of()));

    assertThat(allow.cluster()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(allow.headersToSet()).containsEntry("x-gantry-canonical-host", "agt-echo-demo.run.localhost")
        .containsEntry("x-gantry-workload", "agt-echo-demo");
  }

  @Test
  void decide_legacyUrl_malformed_orUnknown() {
    for (String path : new String[] {"/", "/demo", "/demo/agents", "/demo/robots/echo", "/Demo/agents/echo", "/demo/agents//x"}) {
      Decision.Deny deny = (Decision.Deny) engine.decide(withNames(), new RequestFacts("legacy.run.localhost", "GET", path, Map.of()));
      assertThat(deny.reason()).as(path).isEqualTo("malformed-legacy-path");
      assertThat(deny.httpStatus()).isEqualTo(400);
    }
    Decision.Deny unknown = (Decision.Deny) engine.decide(withNames(),
        new RequestFacts("legacy.run.localhost", "GET", "/demo/mcp/nothing/x", Map.of()));
    assertThat(unknown.reason()).as("to a stranger, like a private workload").isEqualTo("credentials-required");
    assertThat(unknown.message()).contains("mcp-nothing-demo");
  }

  @Test
  void decide_alias_reachesItsWorkload() {
    Decision.Allow allow = (Decision.Allow) engine.decide(withNames(),
        new RequestFacts("agt-oldecho-demo.eu-lon-1.run.localhost", "GET", "/", Map.of()));

    assertThat(allow.cluster()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(allow.headersToSet()).containsEntry("x-gantry-workload", "agt-echo-demo");
  }

  @Test
  void decide_aliasOfAPrivateWorkload_answersAStrangerAsAnUnknownNameDoes_andLeadsItsOwnCallerThere() throws Exception {
    Decision.Deny alias = (Decision.Deny) engine.decide(withNames(),
        new RequestFacts("agt-oldprivate-demo.eu-lon-1.run.localhost", "GET", "/", Map.of()));
    Decision.Deny unknown = (Decision.Deny) engine.decide(withNames(),
        new RequestFacts("agt-nobody-demo.eu-lon-1.run.localhost", "GET", "/", Map.of()));

    assertThat(alias.httpStatus()).isEqualTo(unknown.httpStatus()).isEqualTo(401);
    assertThat(alias.message()).as("the name the caller chose, not the workload it leads to")
        .doesNotContain("agt-private-demo")
        .isEqualTo(unknown.message().replace("agt-nobody-demo", "agt-oldprivate-demo"));
    assertThat(alias.responseHeaders()).isEqualTo(unknown.responseHeaders());

    Decision.Allow own = (Decision.Allow) engine.decide(withNames(), new RequestFacts(
        "agt-oldprivate-demo.eu-lon-1.run.localhost", "GET", "/", Map.of("authorization", "Bearer " + issuer.rs256(c -> c))));
    assertThat(own.headersToSet()).containsEntry("x-gantry-workload", "agt-private-demo");
  }

  @Test
  void decide_customDomain_reachesItsWorkloadFromItsLocation_unknownDomainStillRefused() {
    Decision.Allow allow = (Decision.Allow) engine.decide(withNames(),
        new RequestFacts("Agents.Acme.Example.", "GET", "/", Map.of()));
    assertThat(allow.cluster()).isEqualTo("agt-multi-demo@eu-lon-1+eu-par-1");
    assertThat(allow.headersToSet()).doesNotContainKey("x-gantry-canonical-host");

    Decision.Deny deny = (Decision.Deny) engine.decide(withNames(), new RequestFacts("other.example", "GET", "/", Map.of()));
    assertThat(deny.reason()).isEqualTo("unknown-domain");
  }

  private static byte[] sha256(String text) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private AuthzSnapshot withKeys() throws Exception {
    java.util.Map<String, WorkspaceEntry> workspaces = new java.util.HashMap<>(snapshot.workspaces());
    WorkspaceEntry demo = workspaces.get("demo");
    workspaces.put("demo", new WorkspaceEntry("demo", demo.issuers(), java.util.List.of(
        new ApiKeyEntry("k1", "demo", sha256("secret1"), Set.of("agt:invoke"), "ci", null, false),
        new ApiKeyEntry("k2", "demo", sha256("secret2"), Set.of("agt:invoke"), "", null, true),
        new ApiKeyEntry("k3", "demo", sha256("secret3"), Set.of("agt:invoke"), "", now.minusSeconds(5), false),
        new ApiKeyEntry("k4", "demo", sha256("secret4"), Set.of("mcp:call"), "", now.plusSeconds(90), false))));
    WorkspaceEntry other = workspaces.get("other");
    workspaces.put("other", new WorkspaceEntry("other", other.issuers(), java.util.List.of(
        new ApiKeyEntry("k9", "other", sha256("secret9"), Set.of("agt:invoke"), "", null, false))));
    return AuthzSnapshot.of(snapshot.version(), snapshot.catalog(), snapshot.baseDomains(), snapshot.workloads(), workspaces);
  }

  private Decision withKey(String header, String value) throws Exception {
    return engine.decide(withKeys(), new RequestFacts("agt-private-demo.eu-lon-1.run.localhost", "GET", "/", Map.of(header, value)));
  }

  @Test
  void decide_apiKey_asBearerOrXApiKey_allows_withIdentity_andDropsTheKey() throws Exception {
    for (Decision decision : java.util.List.of(withKey("authorization", "Bearer gk_k1_secret1"), withKey("x-api-key", "gk_k1_secret1"))) {
      Decision.Allow allow = (Decision.Allow) decision;
      assertThat(allow.headersToSet())
          .containsEntry("x-gantry-workspace", "demo")
          .containsEntry("x-gantry-credential-kind", "api_key")
          .containsEntry("x-gantry-credential-id", "k1")
          .containsEntry("x-gantry-subject", "apikey:ci")
          .doesNotContainKey("x-envoy-upstream-stream-duration-ms");
      assertThat(allow.headersToRemove()).containsAnyOf("authorization", "x-api-key");
    }
  }

  @Test
  void decide_apiKey_refusals() throws Exception {
    record Case(String header, String value, int status, String reason) {}
    for (Case c : java.util.List.of(
        new Case("x-api-key", "gk_k1_wrong", 401, "bad-key"),
        new Case("x-api-key", "gk_k2_secret2", 401, "key-revoked"),
        new Case("x-api-key", "gk_k2_wrong", 401, "bad-key"),
        new Case("x-api-key", "gk_k3_secret3", 401, "key-expired"),
        new Case("x-api-key", "gk_nope_secret", 401, "unknown-key"),
        new Case("x-api-key", "gk_k1", 401, "malformed-key"),
        new Case("x-api-key", "gk_k1_secret1,gk_k1_secret1", 401, "ambiguous-credentials"),
        new Case("authorization", "Bearer gk_k9_secret9", 403, "wrong-workspace"),
        new Case("authorization", "Bearer gk_k4_secret4", 403, "insufficient-scope"))) {
      Decision.Deny deny = (Decision.Deny) withKey(c.header(), c.value());
      assertThat(deny.reason()).as(c.value()).isEqualTo(c.reason());
      assertThat(deny.httpStatus()).as(c.value()).isEqualTo(c.status());
      String secret = c.value().substring(c.value().lastIndexOf('_') + 1);
      assertThat(deny.message()).as("never the key").doesNotContain(c.value());
      if (c.value().indexOf('_', 3) > 0) {
        assertThat(deny.message()).as("never the secret").doesNotContain(secret);
      }
    }
    Decision.Deny both = (Decision.Deny) engine.decide(withKeys(), new RequestFacts("agt-private-demo.eu-lon-1.run.localhost",
        "GET", "/", Map.of("x-api-key", "gk_k1_secret1", "authorization", "Bearer x")));
    assertThat(both.reason()).isEqualTo("ambiguous-credentials");
  }

  @Test
  void decide_credentialWithExpiry_boundsTheStreamByWhatIsLeftOfIt() throws Exception {
    long in90s = now.plusSeconds(90).getEpochSecond();
    Decision.Allow allow = (Decision.Allow) decide("agt-private-demo.eu-lon-1.run.localhost",
        Map.of("authorization", "Bearer " + issuer.rs256(c -> c.expirationTime(new java.util.Date(in90s * 1000)))));

    // Until the gateway stops accepting it: exp plus the 60 s of clock skew it tolerates.
    assertThat(allow.headersToSet()).containsEntry("x-gantry-credential-expires", Long.toString(in90s + 60));
    assertThat(allow.headersToSet()).containsEntry("x-envoy-upstream-stream-duration-ms", "150000");
  }

  @Test
  void decide_forwardedWithAnExpiry_isBoundedThereToo_andRefusedOnceRunOut() {
    Decision.Allow allow = (Decision.Allow) forwarded("agt-multipriv-demo.eu.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-credential-kind", "jwt",
        "x-gantry-credential-expires", Long.toString(now.plusSeconds(30).getEpochSecond())));
    assertThat(allow.headersToSet()).containsEntry("x-envoy-upstream-stream-duration-ms", "30000");

    Decision.Deny deny = (Decision.Deny) forwarded("agt-multipriv-demo.eu.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-credential-kind", "jwt",
        "x-gantry-credential-expires", Long.toString(now.minusSeconds(1).getEpochSecond())));
    assertThat(deny.reason()).isEqualTo("credential-expired");
  }

  @Test
  void decide_workloadThatAskedForTheCredential_getsItPassedOn() throws Exception {
    java.util.Map<dev.gantry.routing.WorkloadId, WorkloadEntry> workloads = new java.util.HashMap<>(snapshot.workloads());
    dev.gantry.routing.WorkloadId id = dev.gantry.routing.WorkloadId.parse("agt-private-demo");
    workloads.put(id, new WorkloadEntry(id, false, Set.of("eu-lon-1"), Set.of("eu-lon-1"), "any region", true));
    AuthzSnapshot forwarding = AuthzSnapshot.of(snapshot.version(), snapshot.catalog(), snapshot.baseDomains(), workloads,
        snapshot.workspaces());

    Decision.Allow allow = (Decision.Allow) engine.decide(forwarding, new RequestFacts("agt-private-demo.eu-lon-1.run.localhost",
        "GET", "/", Map.of("authorization", "Bearer " + issuer.rs256(c -> c), "x-gantry-extra", "x")));

    assertThat(allow.headersToRemove()).containsExactly("x-gantry-extra");
  }

  @Test
  void decide_workloadWithHeadersOfItsOwn_getsThem_andAClientCannotForgeThem() throws Exception {
    java.util.Map<dev.gantry.routing.WorkloadId, WorkloadEntry> workloads = new java.util.HashMap<>(snapshot.workloads());
    dev.gantry.routing.WorkloadId id = dev.gantry.routing.WorkloadId.parse("agt-private-demo");
    workloads.put(id, new WorkloadEntry(id, false, Set.of("eu-lon-1"), Set.of("eu-lon-1"), "any region", false,
        Map.of("x-gantry-labels", "team=search")));
    AuthzSnapshot labelled = AuthzSnapshot.of(snapshot.version(), snapshot.catalog(), snapshot.baseDomains(), workloads,
        snapshot.workspaces());

    Decision.Allow allow = (Decision.Allow) engine.decide(labelled, new RequestFacts("agt-private-demo.eu-lon-1.run.localhost",
        "GET", "/", Map.of("authorization", "Bearer " + issuer.rs256(c -> c), "x-gantry-labels", "team=forged")));

    assertThat(allow.headersToSet()).containsEntry("x-gantry-labels", "team=search");
    assertThat(allow.headersToRemove()).as("replaced, not removed").doesNotContain("x-gantry-labels");
  }
}
