package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostname routing and admission through the real Envoy, the real authz-service and control plane. */
class GatewayRoutingIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  private static JsonObject json(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  @Test
  void get_regionalHost_reachesEcho_withPathAndQueryExactlyAsSent() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/a/b?c=d");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject echo = json(response);
    assertThat(echo.get("path").getAsString()).isEqualTo("/a/b?c=d");
    assertThat(echo.get("workload").getAsString()).isEqualTo("agt-echo-demo");
    assertThat(echo.get("region").getAsString()).isEqualTo("eu-lon-1");
  }

  @Test
  void get_oddPath_isNeverRewritten() throws Exception {
    String path = "/x//y/../z/%2F%20?q=%2F&r=a+b#";
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), path.replace("#", ""));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("path").getAsString()).isEqualTo(path.replace("#", ""));
  }

  @Test
  void get_hostInMixedCaseWithPort_isRoutedTheSame() throws Exception {
    RawHttp.Response response =
        stack.get("AGT-Echo-Demo.EU-LON-1.Run.Localhost:" + stack.gatewayPort, "/a/b?c=d");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("path").getAsString()).isEqualTo("/a/b?c=d");
  }

  @Test
  void get_hostWithTrailingDot_isRoutedTheSame() throws Exception {
    RawHttp.Response response = stack.get("agt-echo-demo.eu-lon-1.run.localhost.", "/");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void get_globalHost_ofWorkloadDeployedHere_reachesEcho() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo"), "/");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void get_identityHeaders_reachWorkload_routingHeaderDoesNot() throws Exception {
    JsonObject headers = json(stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/")).getAsJsonObject("headers");

    assertThat(headers.getAsJsonArray("x-gantry-workload").get(0).getAsString()).isEqualTo("agt-echo-demo");
    assertThat(headers.getAsJsonArray("x-gantry-subject").get(0).getAsString()).isEqualTo("anonymous");
    assertThat(headers.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("none");
    assertThat(headers.has("x-gantry-cluster")).isFalse();
  }

  @Test
  void get_clientSentGantryHeaders_neverReachWorkload() throws Exception {
    RawHttp.Response response =
        RawHttp.get(stack.gatewayPort, stack.host("agt-echo-demo.eu-lon-1"), "/",
            RawHttp.headers(
                "X-Gantry-Cluster", "gantry-authz",
                "x-gantry-workspace", "other",
                "X-Gantry-Subject", "root",
                "x-gantry-credential-kind", "jwt",
                "x-gantry-anything-else", "spoofed"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject headers = json(response).getAsJsonObject("headers");
    List<String> gantryHeaders = new ArrayList<>();
    headers.keySet().stream().filter(h -> h.startsWith("x-gantry-")).forEach(gantryHeaders::add);
    assertThat(gantryHeaders)
        .containsExactlyInAnyOrder("x-gantry-workload", "x-gantry-subject", "x-gantry-credential-kind", "x-gantry-region",
            "x-gantry-entered-at");
    assertThat(headers.getAsJsonArray("x-gantry-entered-at").get(0).getAsString()).isEqualTo("eu-lon-1");
    assertThat(headers.getAsJsonArray("x-gantry-subject")).hasSize(1);
    assertThat(headers.getAsJsonArray("x-gantry-subject").get(0).getAsString()).isEqualTo("anonymous");
    assertThat(headers.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("none");
  }

  @Test
  void get_clientSentClusterHeader_neverChangesRouting() throws Exception {
    long servedBefore = stack.echo.requestsServed();
    RawHttp.Response response =
        RawHttp.get(stack.gatewayPort, stack.host("agt-nothing-demo.eu-lon-1"), "/",
            RawHttp.headers("x-gantry-cluster", "agt-echo-demo@eu-lon-1"));

    assertThat(response.status()).as("refused as any unknown name is to a stranger").isEqualTo(401);
    assertThat(json(response).get("reason").getAsString()).isEqualTo("credentials-required");
    assertThat(stack.echo.requestsServed()).isEqualTo(servedBefore);
  }

  @Test
  void accessLog_hasRoundTripAndTimeToFetch_andNoQuery() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/logged?token=secret");
    String requestId = json(response).getAsJsonObject("headers").getAsJsonArray("x-request-id").get(0).getAsString();

    JsonObject line = null;
    for (int attempt = 0; attempt < 50 && line == null; attempt++) {
      line = stack.envoy.log().lines()
          .filter(l -> l.startsWith("{") && l.contains(requestId))
          .map(l -> JsonParser.parseString(l).getAsJsonObject())
          .findFirst().orElse(null);
      if (line == null) {
        Thread.sleep(100); // Envoy flushes access logs on its own schedule
      }
    }

    assertThat(line).as("an access log line for request %s", requestId).isNotNull();
    assertThat(line.get("path").getAsString()).isEqualTo("/logged");
    assertThat(line.toString()).doesNotContain("secret");
    assertThat(line.get("cluster").getAsString()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(line.get("ttf_us").getAsLong()).isPositive().isLessThanOrEqualTo(line.get("rtt_us").getAsLong());
  }

  @Test
  void get_unknownWorkload_isA404JsonToItsWorkspace_andLooksPrivateToAnyoneElse() throws Exception {
    RawHttp.Response response = RawHttp.get(stack.gatewayPort, stack.host("agt-nothing-demo.eu-lon-1"), "/",
        RawHttp.headers("Authorization", "Bearer " + stack.jwks.token("demo")));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.headers().get("content-type")).isEqualTo("application/json");
    assertThat(json(response).get("reason").getAsString()).isEqualTo("unknown-workload");
    assertThat(json(response).get("error").getAsString()).contains("agt-nothing-demo");

    // Anonymous probes of an unknown and of a private workload: the same answer, but for the name.
    RawHttp.Response unknown = stack.get(stack.host("agt-nothing-demo.eu-lon-1"), "/");
    RawHttp.Response existing = stack.get(stack.host("agt-private-demo.eu-lon-1"), "/");
    assertThat(unknown.status()).isEqualTo(existing.status()).isEqualTo(401);
    assertThat(unknown.body().replace("agt-nothing-demo", "X")).isEqualTo(existing.body().replace("agt-private-demo", "X"));
    assertThat(unknown.headers().get("www-authenticate")).isEqualTo(existing.headers().get("www-authenticate"));
    RawHttp.Response elsewhere = stack.get(stack.host("agt-private-demo.us-pdx-1"), "/");
    assertThat(elsewhere.status()).as("nor where a private workload runs: " + elsewhere.body()).isEqualTo(401);
  }

  @Test
  void get_unknownLocation_is404Json() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.mars-1"), "/");

    assertThat(response.status()).isEqualTo(404);
    assertThat(json(response).get("reason").getAsString()).isEqualTo("unknown-location");
  }

  @Test
  void get_locationWhereWorkloadIsNotDeployed_is421Json() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.us"), "/");

    assertThat(response.status()).isEqualTo(421);
    assertThat(json(response).get("reason").getAsString()).isEqualTo("not-deployed-in-location");
  }

  @Test
  void get_privateWorkloadWithoutCredential_is401WithChallenge() throws Exception {
    RawHttp.Response response = stack.get(stack.host("agt-private-demo.eu-lon-1"), "/");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers().get("www-authenticate")).startsWith("Bearer");
    assertThat(json(response).get("reason").getAsString()).isEqualTo("credentials-required");
  }

  /** Rows of the shared scenario table the grammar refuses (400). */
  static Stream<Arguments> malformedHosts() throws Exception {
    List<Arguments> rows = new ArrayList<>();
    for (String line : Files.readAllLines(
        EnvoyProcess.projectDir().resolve("routing/src/test/resources/scenarios/hostnames.tsv"), StandardCharsets.UTF_8)) {
      String[] c = line.split("\t", -1);
      if (!line.startsWith("#") && c.length > 2 && c[1].equals("400")) {
        rows.add(Arguments.of(c[0], c[2]));
      }
    }
    assertThat(rows).hasSizeGreaterThan(10);
    return rows.stream();
  }

  /**
   * Where the answer's reason differs from the table's hint: the grammar decides a first label
   * ending in '-' is malformed (see HostnameGrammar).
   */
  private static final Map<String, String> REASON_DECIDED_OTHERWISE =
      Map.of("agt-echo-.run.localhost", "malformed-label");

  /**
   * Refused by Envoy's HTTP/1 codec before any filter or local-reply mapping runs: a non-ASCII
   * Host is not valid HTTP/1.1. Still a 400 and still never forwarded, but with Envoy's plain
   * "Bad Request" body (see GatewayLocalReplies).
   */
  private static final String REFUSED_BY_CODEC = "agt-écho-demo.run.localhost";

  @ParameterizedTest(name = "{0} -> 400 {1}")
  @MethodSource("malformedHosts")
  void get_malformedHost_is400WithStableReason(String host, String hint) throws Exception {
    long servedBefore = stack.echo.requestsServed();
    RawHttp.Response response = stack.get(host, "/");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    if (!host.equals(REFUSED_BY_CODEC)) {
      assertThat(response.headers().get("content-type")).isEqualTo("application/json");
      assertThat(json(response).get("reason").getAsString())
          .isEqualTo(REASON_DECIDED_OTHERWISE.getOrDefault(host, hint));
    }
    assertThat(stack.echo.requestsServed()).isEqualTo(servedBefore);
  }
}
