package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.ListWorkspacesRequest;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.SetJwtIssuersRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.admin.v1.WorkspaceServiceGrpc;
import dev.gantry.proto.fleet.v1.CustomDomain;
import dev.gantry.proto.fleet.v1.JwtIssuer;
import dev.gantry.proto.fleet.v1.Replica;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A private MCP server behind the real Envoy, as an MCP client meets it (MCP authorization,
 * 2025-06-18 / 2025-11-25): a 401 pointing at the protected resource metadata, the metadata the
 * gateway serves for each name of the server, a token bound to the server's URL admitted and
 * never passed on, every other token refused with a stable reason.
 */
class McpAuthorizationIT {

  private static final String SERVER = "mcp-notes-demo";
  private static final String AUTHORIZATION_SERVER = TestJwks.ISSUER_BASE + "demo";
  private static final Pattern RESOURCE_METADATA = Pattern.compile("resource_metadata=\"([^\"]+)\"");

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    ManagedChannel admin = stack.admin();
    // The workspace's issuer becomes its authorization server (what the seed's demo issuer is).
    var workspaces = WorkspaceServiceGrpc.newBlockingStub(admin);
    List<JwtIssuer> issuers = workspaces.listWorkspaces(ListWorkspacesRequest.getDefaultInstance()).getWorkspacesList()
        .stream().filter(w -> w.getWorkspace().getId().equals("demo")).findFirst().orElseThrow()
        .getWorkspace().getJwtIssuersList().stream().map(i -> i.toBuilder().setAuthorizationServer(true).build()).toList();
    workspaces.setJwtIssuers(SetJwtIssuersRequest.newBuilder().setWorkspace("demo").addAllJwtIssuers(issuers).build());
    // It asks for the raw credential: as a private MCP server it gets identity headers all the same.
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        Workload.newBuilder().setId(SERVER).addRegions("eu-lon-1").setForwardCredential(true)).build());
    WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(
        Workload.newBuilder().setId("mcp-other-demo").addRegions("eu-lon-1")).build());
    for (String server : List.of(SERVER, "mcp-other-demo")) {
      ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(
          Replica.newBuilder().setWorkload(server).setRegion("eu-lon-1").setAddress("127.0.0.1:" + stack.echo.port()))
          .setPermanent(true).build());
    }
    NameServiceGrpc.newBlockingStub(admin).bindDomain(BindDomainRequest.newBuilder()
        .setDomain(CustomDomain.newBuilder().setDomain("notes.acme.test").setWorkload(SERVER))
        .setCertificateChainPem(CERTIFICATE.chainPem()).setPrivateKeyPem(CERTIFICATE.keyPem()).build());
    stack.awaitSidecarCurrent();
  }

  private static RawHttp.Response get(String host, String path, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, host, path, RawHttp.headers(headers));
  }

  private static JsonObject json(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static String bearer(String aud, String scope) throws Exception {
    return "Bearer " + stack.jwks.token("demo", c -> c.audience(aud).claim("scope", scope));
  }

  /** What a client does: follow the 401 to the metadata, ask the authorization server for a token of that resource. */
  @Test
  void aClientFollowsThe401_toTheMetadata_andItsTokenForThatResourceIsAdmitted() throws Exception {
    String host = stack.host(SERVER + ".eu-lon-1");

    RawHttp.Response challenge = get(host, "/mcp");
    assertThat(challenge.status()).as(challenge.body()).isEqualTo(401);
    assertThat(json(challenge).get("reason").getAsString()).isEqualTo("credentials-required");
    String authenticate = challenge.headers().get("www-authenticate");
    assertThat(authenticate).startsWith("Bearer ").contains("scope=\"mcp:call\"");
    Matcher metadataUrl = RESOURCE_METADATA.matcher(authenticate);
    assertThat(metadataUrl.find()).as(authenticate).isTrue();
    URI metadata = URI.create(metadataUrl.group(1));
    assertThat(metadata.toString()).isEqualTo("http://" + host + "/.well-known/oauth-protected-resource");

    RawHttp.Response document = get(metadata.getRawAuthority(), metadata.getRawPath());
    assertThat(document.status()).as(document.body()).isEqualTo(200);
    assertThat(document.headers().get("content-type")).isEqualTo("application/json");
    JsonObject prm = json(document);
    String resource = prm.get("resource").getAsString();
    assertThat(resource).isEqualTo("http://" + host);
    assertThat(prm.getAsJsonArray("authorization_servers").get(0).getAsString()).isEqualTo(AUTHORIZATION_SERVER);
    assertThat(prm.getAsJsonArray("scopes_supported").get(0).getAsString()).isEqualTo("mcp:call");
    assertThat(prm.getAsJsonArray("bearer_methods_supported").get(0).getAsString()).isEqualTo("header");

    // The authorization server mints a token for resource=<that URL> (RFC 8707): aud is it.
    RawHttp.Response admitted = get(host, "/mcp", "Authorization", bearer(resource, "mcp:call"));
    assertThat(admitted.status()).as(admitted.body()).isEqualTo(200);
    JsonObject seen = json(admitted).getAsJsonObject("headers");
    assertThat(seen.has("authorization")).as("the token never reaches the MCP server, forward_credential or not").isFalse();
    assertThat(seen.getAsJsonArray("x-gantry-workspace").get(0).getAsString()).isEqualTo("demo");
    assertThat(seen.getAsJsonArray("x-gantry-workload").get(0).getAsString()).isEqualTo(SERVER);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "mcp-notes-demo.eu-lon-1.run.localhost:{port}, /.well-known/oauth-protected-resource,     http://mcp-notes-demo.eu-lon-1.run.localhost:{port}",
      "mcp-notes-demo.eu.run.localhost:{port},       /.well-known/oauth-protected-resource,     http://mcp-notes-demo.eu.run.localhost:{port}",
      "mcp-notes-demo.run.localhost:{port},          /.well-known/oauth-protected-resource,     http://mcp-notes-demo.run.localhost:{port}",
      "notes.acme.test:{port},                       /.well-known/oauth-protected-resource/mcp, http://notes.acme.test:{port}/mcp",
  })
  void eachNameOfTheServer_getsItsOwnDocument(String host, String path, String resource) throws Exception {
    String port = Integer.toString(stack.gatewayPort);

    RawHttp.Response document = get(host.replace("{port}", port), path);

    assertThat(document.status()).as(document.body()).isEqualTo(200);
    assertThat(json(document).get("resource").getAsString()).isEqualTo(resource.replace("{port}", port));
  }

  @Test
  void overHttps_theResourceIsTheHttpsUrl() throws Exception {
    String host = SERVER + ".eu-lon-1.run.localhost"; // the SNI name; the Host header adds the port
    RawHttp.TlsExchange exchange = RawHttp.getTls(stack.https().ca(), stack.httpsPort, host,
        "/.well-known/oauth-protected-resource");

    assertThat(exchange.response().status()).as(exchange.response().body()).isEqualTo(200);
    assertThat(json(exchange.response()).get("resource").getAsString()).isEqualTo("https://" + host + ":" + stack.httpsPort);
  }

  @Test
  void aTokenForAnotherMcpServer_orForTheAgentApi_is401WrongResource() throws Exception {
    String host = stack.host(SERVER + ".eu-lon-1");
    for (String aud : List.of("http://" + stack.host("mcp-other-demo.eu-lon-1"), "gantry")) {
      RawHttp.Response refused = get(host, "/mcp", "Authorization", bearer(aud, "mcp:call"));

      assertThat(refused.status()).as(aud + ": " + refused.body()).isEqualTo(401);
      assertThat(json(refused).get("reason").getAsString()).isEqualTo("wrong-resource");
      assertThat(refused.headers().get("www-authenticate")).contains("error=\"invalid_token\"")
          .contains("resource_metadata=\"http://" + host + "/.well-known/oauth-protected-resource\"");
    }
    RawHttp.Response ownServer = get(stack.host("mcp-other-demo.eu-lon-1"), "/mcp",
        "Authorization", bearer("http://" + stack.host("mcp-other-demo.eu-lon-1"), "mcp:call"));
    assertThat(ownServer.status()).as("the same kind of token, at its own server").isEqualTo(200);
  }

  @Test
  void tooFewScopes_is403_namingTheScope() throws Exception {
    String host = stack.host(SERVER + ".eu-lon-1");

    RawHttp.Response refused = get(host, "/mcp", "Authorization", bearer("https://" + SERVER + ".run.localhost", "agt:invoke"));

    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).get("reason").getAsString()).isEqualTo("insufficient-scope");
    assertThat(refused.headers().get("www-authenticate"))
        .contains("error=\"insufficient_scope\"").contains("scope=\"mcp:call\"");
  }

  @Test
  void aTokenInTheQueryString_isRefused() throws Exception {
    RawHttp.Response refused = get(stack.host(SERVER + ".eu-lon-1"), "/mcp?access_token=x");

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).get("reason").getAsString()).isEqualTo("token-in-query");
  }

  @Test
  void servedDocuments_areCountedAsAnswers() throws Exception {
    Map<String, String> labels = Map.of("outcome", "answer", "reason", "protected-resource-metadata", "product", "mcp");
    Metrics before = stack.scrapeAuthz();

    for (int i = 0; i < 3; i++) {
      assertThat(get(stack.host(SERVER), "/.well-known/oauth-protected-resource").status()).isEqualTo(200);
    }

    assertThat(stack.scrapeAuthz().value("gantry_authz_decisions_total", labels)
        - before.value("gantry_authz_decisions_total", labels)).isEqualTo(3.0);
  }

  private static final dev.gantry.pki.ServingCertificate CERTIFICATE =
      dev.gantry.pki.LocalCa.create("mcp test CA", java.time.Duration.ofDays(1))
          .issueServing(List.of("*.acme.test"), java.time.Duration.ofDays(1));
}
