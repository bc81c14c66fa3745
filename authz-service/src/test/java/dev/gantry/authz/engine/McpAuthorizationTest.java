package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.routing.WorkloadId;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A private MCP server as an OAuth 2.1 protected resource: its metadata per name, the challenge
 * of every refusal, tokens bound to its resource URI, no token passed on, no token in a URL.
 */
class McpAuthorizationTest {

  private static final WorkloadId NOTES = WorkloadId.parse("mcp-notes-demo");
  private static final String NOTES_URL = "https://mcp-notes-demo.run.localhost";

  private static TestIssuer issuer;
  private DecisionEngine engine;
  private AuthzSnapshot snapshot;

  @BeforeAll
  static void keys() throws Exception {
    issuer = new TestIssuer();
  }

  @BeforeEach
  void engine() {
    Clock clock = Clock.systemUTC();
    engine = new DecisionEngine("eu-lon-1", new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), clock),
        new ApiKeyAuthenticator(clock), new MessageSignatures(clock), clock);
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(Snapshots.demo().workloads());
    // Asks for the raw credential: as an MCP server it gets identity headers only all the same.
    workloads.put(NOTES, new WorkloadEntry(NOTES, false, Set.of("eu-lon-1", "eu-par-1"), Set.of("eu-lon-1", "eu-par-1"),
        "any region", true));
    workloads.put(WorkloadId.parse("mcp-other-demo"), Snapshots.entry("mcp-other-demo", false, "eu-lon-1"));
    workloads.put(WorkloadId.parse("mcp-notes-other"), Snapshots.entry("mcp-notes-other", false, "eu-lon-1"));
    Map<String, WorkspaceEntry> workspaces = new HashMap<>(TestIssuer.workspaces());
    workspaces.put("demo", new WorkspaceEntry("demo", List.of(
        new IssuerEntry(TestIssuer.ISSUER, TestIssuer.JWKS, Set.of("gantry"), true))));
    snapshot = AuthzSnapshot.of(7, Snapshots.LOCAL_CATALOG, Set.of("run.localhost"), workloads, workspaces)
        .withNames(new Names(Set.of(), Map.of(WorkloadId.parse("mcp-oldnotes-demo"), NOTES),
            Map.of("notes.acme.test", new Names.DomainTarget(NOTES, null))));
  }

  private Decision decide(String scheme, String host, String method, String path, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, method, path, headers, RequestFacts.Listener.PUBLIC,
        new byte[0], scheme));
  }

  private Decision get(String host, String path, String... header) {
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; i < header.length; i += 2) {
      headers.put(header[i], header[i + 1]);
    }
    return decide("https", host, "GET", path, headers);
  }

  private static String token(String... audiences) throws Exception {
    return issuer.rs256(c -> c.audience(List.of(audiences)).claim("scope", "mcp:call"));
  }

  private static JsonObject json(Decision.Answer answer) {
    return JsonParser.parseString(answer.body()).getAsJsonObject();
  }

  @ParameterizedTest(name = "{0}://{1}{2} → {3}")
  @CsvSource({
      "https, mcp-notes-demo.eu-lon-1.run.localhost,    /.well-known/oauth-protected-resource,     https://mcp-notes-demo.eu-lon-1.run.localhost",
      "https, mcp-notes-demo.eu.run.localhost:10443,    /.well-known/oauth-protected-resource,     https://mcp-notes-demo.eu.run.localhost:10443",
      "http,  MCP-Notes-Demo.run.localhost:10000,       /.well-known/oauth-protected-resource?x=1, http://mcp-notes-demo.run.localhost:10000",
      "https, notes.acme.test,                          /.well-known/oauth-protected-resource/mcp, https://notes.acme.test/mcp",
      "https, mcp-oldnotes-demo.run.localhost,          /.well-known/oauth-protected-resource/,    https://mcp-oldnotes-demo.run.localhost",
      "https, mcp-notes-demo.us-pdx-1.run.localhost,    /.well-known/oauth-protected-resource,     https://mcp-notes-demo.us-pdx-1.run.localhost",
  })
  void metadata_isServedForEachName_withTheUrlTheClientUsed(String scheme, String host, String path, String resource) {
    Decision.Answer answer = (Decision.Answer) decide(scheme, host, "GET", path, Map.of());

    assertThat(answer.httpStatus()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    JsonObject document = json(answer);
    assertThat(document.get("resource").getAsString()).isEqualTo(resource);
    assertThat(document.getAsJsonArray("authorization_servers").get(0).getAsString()).isEqualTo(TestIssuer.ISSUER);
    assertThat(document.getAsJsonArray("authorization_servers")).hasSize(1);
    assertThat(document.getAsJsonArray("scopes_supported").get(0).getAsString()).isEqualTo("mcp:call");
    assertThat(document.getAsJsonArray("bearer_methods_supported").get(0).getAsString()).isEqualTo("header");
  }

  @Test
  void metadata_ofAnUnknownServer_isTheSame_soNoServerIsRevealed() {
    JsonObject unknown = json((Decision.Answer) get("mcp-nothing-demo.run.localhost", McpResource.WELL_KNOWN));
    JsonObject known = json((Decision.Answer) get("mcp-notes-demo.run.localhost", McpResource.WELL_KNOWN));

    assertThat(unknown.get("authorization_servers")).isEqualTo(known.get("authorization_servers"));
    assertThat(json((Decision.Answer) get("mcp-x-nobody.run.localhost", McpResource.WELL_KNOWN))
        .getAsJsonArray("authorization_servers")).as("a workspace that does not exist lists none").isEmpty();
  }

  @Test
  void metadata_isNotServed_forPublicServers_otherProducts_otherMethods_orOddPaths() {
    assertThat(get("mcp-tools-demo.run.localhost", McpResource.WELL_KNOWN)).as("public: the server's own")
        .isInstanceOf(Decision.Allow.class);
    assertThat(((Decision.Deny) get("agt-private-demo.run.localhost", McpResource.WELL_KNOWN)).httpStatus()).isEqualTo(401);
    assertThat(((Decision.Deny) decide("https", "mcp-notes-demo.run.localhost", "POST", McpResource.WELL_KNOWN, Map.of()))
        .httpStatus()).isEqualTo(401);
    assertThat(get("mcp-notes-demo.run.localhost", McpResource.WELL_KNOWN + "x")).isInstanceOf(Decision.Deny.class);
    assertThat(get("mcp-notes-demo.run.localhost", McpResource.WELL_KNOWN + "/a\"b")).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void noCredential_401_pointsAtTheMetadataOfTheNameUsed() {
    Decision.Deny deny = (Decision.Deny) decide("http", "mcp-notes-demo.eu.run.localhost:10000", "POST", "/mcp", Map.of());

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");
    assertThat(deny.responseHeaders().get("www-authenticate")).isEqualTo("Bearer realm=\"gantry\", resource_metadata="
        + "\"http://mcp-notes-demo.eu.run.localhost:10000/.well-known/oauth-protected-resource\", scope=\"mcp:call\"");
  }

  @ParameterizedTest(name = "aud {0}")
  @CsvSource({
      "https://mcp-notes-demo.run.localhost",
      "https://mcp-notes-demo.run.localhost/mcp",
      "http://mcp-notes-demo.eu-par-1.run.localhost:10001/",
      "https://notes.acme.test/mcp",
      "https://mcp-oldnotes-demo.eu.run.localhost",
  })
  void tokenNamingAnyOfTheServersUrls_isAdmitted_andNeverPassedOn(String aud) throws Exception {
    Decision.Allow allow = (Decision.Allow) get("mcp-notes-demo.eu-lon-1.run.localhost", "/mcp",
        "authorization", "Bearer " + token("https://elsewhere.test", aud));

    assertThat(allow.headersToSet()).containsEntry("x-gantry-workspace", "demo");
    assertThat(allow.headersToRemove()).as("forward_credential is ignored for a private MCP server")
        .contains("authorization");
  }

  @ParameterizedTest(name = "aud {0}")
  @CsvSource({
      "gantry",
      "https://mcp-other-demo.run.localhost",
      "https://agt-private-demo.run.localhost",
      "https://mcp-notes-demo.run.localhost#frag",
      "https://user@mcp-notes-demo.run.localhost",
      "ftp://mcp-notes-demo.run.localhost",
      "https://mcp-notes-demo.nowhere-1.run.localhost",
      "mcp-notes-demo.run.localhost",
  })
  void tokenForAnotherResource_isRefused_wrongResource(String aud) throws Exception {
    Decision.Deny deny = (Decision.Deny) get("mcp-notes-demo.run.localhost", "/mcp",
        "authorization", "Bearer " + token(aud));

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("wrong-resource");
    assertThat(deny.responseHeaders().get("www-authenticate")).startsWith("Bearer realm=\"gantry\", error=\"invalid_token\","
        + " resource_metadata=\"https://mcp-notes-demo.run.localhost/.well-known/oauth-protected-resource\"");
  }

  @Test
  void oneToken_atTwoServers_isBoundToItsOwn_alsoWhenRemembered() throws Exception {
    String token = token(NOTES_URL);
    assertThat(get("mcp-notes-demo.run.localhost", "/", "authorization", "Bearer " + token)).isInstanceOf(Decision.Allow.class);

    Decision.Deny other = (Decision.Deny) get("mcp-other-demo.run.localhost", "/", "authorization", "Bearer " + token);
    assertThat(other.reason()).isEqualTo("wrong-resource");
    Decision.Deny agent = (Decision.Deny) get("agt-private-demo.run.localhost", "/", "authorization", "Bearer " + token);
    assertThat(agent.reason()).as("the agent API wants its issuer's audience").isEqualTo("wrong-audience");
    assertThat(get("mcp-notes-demo.run.localhost", "/", "authorization", "Bearer " + token)).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void aTokenOfAnIssuerThatIsNoAuthorizationServer_isRefused_evenForTheRightResource() throws Exception {
    // Workspace other trusts its issuer for the agent API only.
    String token = issuer.otherRs256(c -> c.audience("https://mcp-notes-other.run.localhost").claim("scope", "mcp:call"));

    Decision.Deny deny = (Decision.Deny) get("mcp-notes-other.run.localhost", "/mcp", "authorization", "Bearer " + token);

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("not-authorization-server");
  }

  @Test
  void theMetadataOfAnAlias_namesTheAlias_notWhatItStandsFor() {
    JsonObject document = json((Decision.Answer) get("mcp-oldnotes-demo.run.localhost", McpResource.WELL_KNOWN));

    assertThat(document.get("resource_name").getAsString()).isEqualTo("mcp-oldnotes-demo");
    assertThat(document.toString()).doesNotContain("mcp-notes-demo");
  }

  @Test
  void tooFewScopes_403_withTheScopeNeeded() throws Exception {
    String token = issuer.rs256(c -> c.audience(NOTES_URL).claim("scope", "agt:invoke"));

    Decision.Deny deny = (Decision.Deny) get("mcp-notes-demo.run.localhost", "/mcp", "authorization", "Bearer " + token);

    assertThat(deny.httpStatus()).isEqualTo(403);
    assertThat(deny.reason()).isEqualTo("insufficient-scope");
    assertThat(deny.responseHeaders().get("www-authenticate")).isEqualTo("Bearer realm=\"gantry\", error=\"insufficient_scope\","
        + " resource_metadata=\"https://mcp-notes-demo.run.localhost/.well-known/oauth-protected-resource\", scope=\"mcp:call\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/mcp?access_token=abc", "/mcp?a=1&access_token", "/?x=y&access_token=&z"})
  void tokenInTheQuery_isRefused_400(String path) throws Exception {
    Decision.Deny deny = (Decision.Deny) get("mcp-notes-demo.run.localhost", path, "authorization", "Bearer " + token(NOTES_URL));

    assertThat(deny.httpStatus()).isEqualTo(400);
    assertThat(deny.reason()).isEqualTo("token-in-query");
    assertThat(deny.message()).doesNotContain("abc");
  }

  @Test
  void queryParametersMerelyNamedLikeIt_areNoToken() throws Exception {
    assertThat(get("mcp-notes-demo.run.localhost", "/mcp?my_access_token=1&access_tokens=2",
        "authorization", "Bearer " + token(NOTES_URL))).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void agentsKeepTheirRules_issuerAudience_andForwardCredential() throws Exception {
    String agentToken = issuer.rs256(c -> c);
    assertThat(get("agt-private-demo.run.localhost", "/?access_token=x", "authorization", "Bearer " + agentToken))
        .isInstanceOf(Decision.Allow.class);
    Decision.Deny deny = (Decision.Deny) get("agt-private-demo.run.localhost", "/");
    assertThat(deny.responseHeaders().get("www-authenticate")).isEqualTo("Bearer realm=\"gantry\"");
  }
}
