package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.pki.Identity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observability kit as an operator runs it: Debian's Prometheus, started with the project's
 * committed configuration ({@code observe/}: scrape jobs, alerting rules, web config) against a
 * real stack, scrapes the control plane, the sidecar (both over mutual TLS with the scraper's
 * certificate) and Envoy; its own port refuses a client without a certificate of the fleet. The
 * alerting rules pass their promtool unit tests.
 */
class PrometheusIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static Process prometheus;
  private static int port;
  private static HttpClient operator;

  private static final Path OBSERVE = EnvoyProcess.projectDir().resolve("observe");

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    Path dir = Files.createDirectories(stack.workDir.resolve("observe").toAbsolutePath());
    for (String file : List.of("prometheus.yml", "rules.yml", "web.yml")) {
      Files.copy(OBSERVE.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.deleteIfExists(dir.resolve("pki"));
    Files.createSymbolicLink(dir.resolve("pki"), stack.pki.dir().toAbsolutePath());
    // This stack's scraper certificate (./gantry pki init issues it for ./gantry up).
    stack.pki.files(Identity.scraper("prometheus"));
    Path targets = Files.createDirectories(dir.resolve("targets"));
    Files.writeString(targets.resolve("control-plane.yml"), "- targets: ['127.0.0.1:" + stack.controlPlaneMetrics.port() + "']\n");
    Files.writeString(targets.resolve("authz.yml"),
        "- targets: ['127.0.0.1:" + stack.authzMetrics.port() + "']\n  labels: {region: eu-lon-1}\n");
    Files.writeString(targets.resolve("gateways.yml"),
        "- targets: ['127.0.0.1:" + stack.envoy.adminPort() + "']\n  labels: {region: eu-lon-1}\n");
    port = FreePorts.next();
    prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
        "--web.config.file=" + dir.resolve("web.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(prometheus::destroyForcibly));
    operator = HttpClient.newBuilder().sslContext(stack.pki.clientContext(Identity.operator("local")))
        .connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 150; i++) {
      try {
        if (get(operator, "/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("Prometheus did not answer within 30 s: " + Files.readString(dir.resolve("prometheus.log")));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The query's result vector, once it satisfies {@code until} (asked every 500 ms, at most 30 s). */
  private static JsonArray query(String promql, Predicate<JsonArray> until) throws Exception {
    JsonArray result = new JsonArray();
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> response = get(operator, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      result = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data").getAsJsonArray("result");
      if (until.test(result)) {
        return result;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    return result;
  }

  private static double value(JsonObject sample) {
    return Double.parseDouble(sample.getAsJsonArray("value").get(1).getAsString());
  }

  @Test
  void theCommittedConfiguration_scrapesEveryPart_andTheirMetricsArrive() throws Exception {
    JsonArray up = query("up", r -> r.size() == 3 && r.asList().stream().allMatch(s -> value(s.getAsJsonObject()) == 1.0));
    assertThat(up.asList().stream().map(s -> s.getAsJsonObject().getAsJsonObject("metric").get("job").getAsString()))
        .as(up.toString()).containsExactlyInAnyOrder("gantry-control-plane", "gantry-authz", "gantry-gateway");
    assertThat(up.asList()).allMatch(s -> value(s.getAsJsonObject()) == 1.0);

    RawHttp.Response stranger = RawHttp.get(stack.gatewayPort, stack.host("agt-nobody-demo.eu-lon-1"), "/", RawHttp.headers());
    assertThat(stranger.status()).isEqualTo(401);
    JsonArray denied = query("gantry_authz_decisions_total{outcome=\"deny\",reason=\"credentials-required\",region=\"eu-lon-1\"}",
        r -> r.size() == 1 && value(r.get(0).getAsJsonObject()) >= 1);
    assertThat(denied.size()).as("the sidecar's decision, scraped over mutual TLS").isEqualTo(1);
    JsonArray envoyDenied = query("envoy_http_ext_authz_denied{region=\"eu-lon-1\"}",
        r -> !r.isEmpty() && value(r.get(0).getAsJsonObject()) >= 1);
    assertThat(envoyDenied).as("Envoy's own count of the same refusal").isNotEmpty();
    JsonArray envoys = query("gantry_controlplane_envoys_connected{region=\"eu-lon-1\"}",
        r -> r.size() == 1 && value(r.get(0).getAsJsonObject()) == 1.0);
    assertThat(envoys.size()).isEqualTo(1);
    assertThat(get(operator, "/api/v1/rules").body()).contains("GantryConfigRefused").contains("GantrySnapshotLag");
  }

  @Test
  void itsOwnPort_refusesAClientWithoutACertificateOfTheFleet() {
    HttpClient anonymous = HttpClient.newBuilder().sslContext(stack.pki.edgeClient()).connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> get(anonymous, "/api/v1/query?query=up")).isInstanceOf(IOException.class);
  }

  @Test
  void theAlertingRules_passTheirPromtoolTests() throws Exception {
    Process promtool = new ProcessBuilder("promtool", "test", "rules", "rules.test.yml")
        .directory(OBSERVE.toFile()).redirectErrorStream(true).start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }
}
