package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.routing.WorkloadId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decision at its edges: forwarded requests with no or partial identity, credentials that
 * run out this very second or last for years, legacy URLs refused or cut short, and what
 * refusals say about the location a request named.
 */
class DecisionEngineEdgesTest {

  private static TestIssuer issuer;
  private final AuthzSnapshot snapshot = Snapshots.demo();
  /** The engine's time: fixed, whole seconds, so expiries can fall on it exactly. */
  private Instant now;
  private DecisionEngine engine;

  @BeforeAll
  static void keys() throws Exception {
    issuer = new TestIssuer();
  }

  @BeforeEach
  void engine() {
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    engine = new DecisionEngine("eu-lon-1", new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), clock),
        new ApiKeyAuthenticator(clock), new MessageSignatures(clock), clock);
  }

  private Decision decide(String host, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, "GET", "/", headers));
  }

  private Decision forwarded(String host, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, "GET", "/", headers, RequestFacts.Listener.INTERNAL));
  }

  private AuthzSnapshot withLegacyHost() {
    return snapshot.withNames(new Names(Set.of("legacy.run.localhost"), Map.of(), Map.of()));
  }

  private Decision legacy(String path) {
    return engine.decide(withLegacyHost(), new RequestFacts("legacy.run.localhost", "GET", path, Map.of()));
  }

  private static Decision.Allow allowed(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Allow.class);
    return (Decision.Allow) decision;
  }

  private static Decision.Deny denied(Decision decision) {
    assertThat(decision).isInstanceOf(Decision.Deny.class);
    return (Decision.Deny) decision;
  }

  @Test
  void aForwardedRequestWithoutIdentity_forAPublicWorkload_isServedAnonymously_asEnteredElsewhere() {
    Decision.Allow allow = allowed(forwarded("agt-echo-demo.eu-lon-1.run.localhost", Map.of("x-gantry-entered-at", "eu-par-1")));

    assertThat(allow.cluster()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-subject", "anonymous")
        .containsEntry("x-gantry-credential-kind", "none")
        .containsEntry("x-gantry-entered-at", "eu-par-1")
        .doesNotContainKey("x-gantry-workspace");
    assertThat(allow.headersToRemove()).as("nothing to remove: an empty list").isNotNull().isEmpty();
  }

  @Test
  void aForwardedRequest_namingAWorkspaceButNoCredentialKind_isCheckedHere() {
    Decision.Deny deny = denied(forwarded("agt-multipriv-demo.eu-lon-1.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-entered-at", "eu-par-1")));

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");
  }

  @Test
  void aForwardedIdentityOfAnotherWorkspace_isNotTrusted_theCredentialIsCheckedHere() throws Exception {
    Map<String, String> identity = Map.of("x-gantry-workspace", "other", "x-gantry-subject", "mallory",
        "x-gantry-credential-kind", "jwt", "x-gantry-entered-at", "eu-par-1");

    Decision.Deny deny = denied(forwarded("agt-multipriv-demo.eu-lon-1.run.localhost", identity));
    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");

    Map<String, String> withToken = new HashMap<>(identity);
    withToken.put("authorization", "Bearer " + issuer.rs256(c -> c));
    Decision.Allow allow = allowed(forwarded("agt-multipriv-demo.eu-lon-1.run.localhost", withToken));
    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-workspace", "demo")
        .containsEntry("x-gantry-subject", "alice")
        .containsEntry("x-gantry-entered-at", "eu-par-1");
    assertThat(allow.headersToRemove()).contains("authorization");
  }

  @Test
  void aForwardedExpiryThatIsNoNumber_isRefused() {
    Decision.Deny deny = denied(forwarded("agt-multipriv-demo.eu-lon-1.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-credential-kind", "jwt",
        "x-gantry-credential-expires", "soon")));

    assertThat(deny.httpStatus()).isEqualTo(400);
    assertThat(deny.reason()).isEqualTo("malformed-forwarding");
  }

  @Test
  void aCredentialRunningOutThisVerySecond_isRefused_neverGivenAStreamOfNoLength() throws Exception {
    Decision.Deny peer = denied(forwarded("agt-multipriv-demo.eu-lon-1.run.localhost", Map.of(
        "x-gantry-workspace", "demo", "x-gantry-subject", "alice", "x-gantry-credential-kind", "jwt",
        "x-gantry-credential-expires", Long.toString(now.getEpochSecond()))));
    assertThat(peer.httpStatus()).isEqualTo(401);
    assertThat(peer.reason()).isEqualTo("credential-expired");

    // Accepted to the last instant of its clock skew, the token then has nothing left to bound a stream with.
    String lastInstant = issuer.rs256(c -> c.expirationTime(Date.from(now.minus(JwtAuthenticator.SKEW))));
    Decision.Deny client = denied(decide("agt-private-demo.eu-lon-1.run.localhost", Map.of("authorization", "Bearer " + lastInstant)));
    assertThat(client.httpStatus()).isEqualTo(401);
    assertThat(client.reason()).isEqualTo("credential-expired");
    assertThat(client.responseHeaders()).containsKey("www-authenticate");
  }

  @Test
  void aCredentialValidForYears_boundsTheStreamAtTheLongestAllowed() throws Exception {
    String years = issuer.rs256(c -> c.expirationTime(Date.from(now.plus(Duration.ofDays(1000)))));

    Decision.Allow allow = allowed(decide("agt-private-demo.eu-lon-1.run.localhost", Map.of("authorization", "Bearer " + years)));

    assertThat(allow.headersToSet())
        .containsEntry(DecisionEngine.STREAM_DURATION, Long.toString(DecisionEngine.MAX_STREAM_SECONDS * 1000));
  }

  @Test
  void aLegacyUrlRefusedOnTheInternalListener_staysRefused_namingTheRequestGlobal() {
    Decision.Deny deny = denied(engine.decide(withLegacyHost(),
        new RequestFacts("legacy.run.localhost", "GET", "/demo/agents/far/x", Map.of(), RequestFacts.Listener.INTERNAL)));

    assertThat(deny.httpStatus()).isEqualTo(502);
    assertThat(deny.reason()).isEqualTo("forwarding-refused");
    assertThat(deny.message()).contains("'agt-far-demo' (global)");
  }

  @Test
  void refusalsOfWhereAWorkloadRuns_sayWhichLocationWasNamed_orThatNoneWas() {
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(snapshot.workloads());
    workloads.put(WorkloadId.parse("agt-gone-demo"), Snapshots.entry("agt-gone-demo", true, "ap-syd-1"));
    WorkloadId fenced = WorkloadId.parse("agt-fenced-demo");
    workloads.put(fenced, new WorkloadEntry(fenced, true, Set.of("eu-lon-1"), Set.of(), "no region"));
    AuthzSnapshot odd = AuthzSnapshot.of(snapshot.version(), snapshot.catalog(), snapshot.baseDomains(), workloads,
        snapshot.workspaces());

    assertThat(denied(decide("agt-echo-demo.us.run.localhost", Map.of())).message()).contains("is not deployed in 'us'");

    Decision.Deny gone = denied(engine.decide(odd, new RequestFacts("agt-gone-demo.run.localhost", "GET", "/", Map.of())));
    assertThat(gone.httpStatus()).isEqualTo(421);
    assertThat(gone.message()).contains("is not deployed in any region");

    Decision.Deny global = denied(engine.decide(odd, new RequestFacts("agt-fenced-demo.run.localhost", "GET", "/", Map.of())));
    assertThat(global.httpStatus()).isEqualTo(403);
    assertThat(global.message()).contains("may not be served from any region it is deployed in");
    Decision.Deny named = denied(engine.decide(odd, new RequestFacts("agt-fenced-demo.eu-lon-1.run.localhost", "GET", "/", Map.of())));
    assertThat(named.message()).contains("may not be served from 'eu-lon-1'");
  }

  @Test
  void aLegacyPath_mayEndAtTheWorkloadsName_butMustStartWithASlash() {
    assertThat(allowed(legacy("/demo/agents/echo")).cluster()).isEqualTo("agt-echo-demo@eu-lon-1");

    Decision.Deny deny = denied(legacy("x/demo/agents/echo"));
    assertThat(deny.httpStatus()).isEqualTo(400);
    assertThat(deny.reason()).isEqualTo("malformed-legacy-path");
  }

  @Test
  void aMalformedLegacyPath_isQuotedInTheRefusal_clippedPastAHundredCharacters() {
    String hundred = "/" + "x".repeat(99);
    assertThat(denied(legacy(hundred)).message()).contains("legacy path '" + hundred + "'");

    String longer = "/" + "x".repeat(150);
    assertThat(denied(legacy(longer)).message())
        .contains("legacy path '" + longer.substring(0, 100) + "...'")
        .doesNotContain(longer);

    assertThat(denied(legacy(null)).message()).as("no path at all").contains("legacy path ''");
  }
}
