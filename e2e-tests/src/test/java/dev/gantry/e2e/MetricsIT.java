package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sidecar's metrics as Prometheus scrapes them (its mutual-TLS {@code /metrics}), while
 * requests go through the real Envoy: each decision counted once with its outcome, reason,
 * product and credential kind, and timed; the snapshot served; a JWKS outage. Counts are deltas
 * between two scrapes around requests this test alone sends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  private static RawHttp.Response get(String workload, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, stack.host(workload + ".eu-lon-1"), "/m", RawHttp.headers(headers));
  }

  private static String reason(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString();
  }

  private static Map<String, String> decision(String outcome, String reason, String product, String kind) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("outcome", outcome);
    labels.put("reason", reason);
    labels.put("product", product);
    labels.put("credential_kind", kind);
    return labels;
  }

  @Test
  @Order(1)
  void everyDecision_isCountedOnce_withItsOutcomeReasonProductAndCredentialKind_andTimed() throws Exception {
    String key = ApiKeyServiceGrpc.newBlockingStub(stack.admin())
        .createApiKey(CreateApiKeyRequest.newBuilder().setWorkspace("demo").setName("metrics").build()).getKey();
    stack.awaitSidecarCurrent();
    String token = stack.jwks.token("demo");
    Metrics before = stack.scrapeAuthz();

    for (int i = 0; i < 3; i++) {
      assertThat(get("agt-echo-demo").status()).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(get("agt-private-demo", "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }
    assertThat(get("agt-private-demo", "X-Api-Key", key).status()).isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      RawHttp.Response other = get("agt-echo-other", "Authorization", "Bearer " + token);
      assertThat(other.status()).isEqualTo(403);
      assertThat(reason(other)).isEqualTo("wrong-workspace");
    }
    RawHttp.Response stranger = get("agt-nobody-demo");
    assertThat(stranger.status()).isEqualTo(401);
    RawHttp.Response noProduct = get("xyz-echo-demo");
    assertThat(noProduct.status()).isEqualTo(400);
    // Deployed in us-pdx-1 only: forwarded there (this stack runs no gateway of its own there).
    RawHttp.get(stack.gatewayPort, stack.host("agt-far-demo"), "/m", RawHttp.headers());

    Metrics after = stack.scrapeAuthz();
    Map<Map<String, String>, Double> expected = new LinkedHashMap<>();
    expected.put(decision("allow", "ok", "agt", "none"), 3.0);
    expected.put(decision("allow", "ok", "agt", "jwt"), 2.0);
    expected.put(decision("allow", "ok", "agt", "api_key"), 1.0);
    expected.put(decision("deny", "wrong-workspace", "agt", "none"), 2.0);
    expected.put(decision("deny", reason(stranger), "agt", "none"), 1.0);
    expected.put(decision("deny", reason(noProduct), "none", "none"), 1.0);
    expected.put(decision("forward", "ok", "agt", "none"), 1.0);
    for (Map.Entry<Map<String, String>, Double> e : expected.entrySet()) {
      assertThat(after.value("gantry_authz_decisions_total", e.getKey()) - before.value("gantry_authz_decisions_total", e.getKey()))
          .as(e.getKey() + " among " + after.named("gantry_authz_decisions_total")).isEqualTo(e.getValue());
    }
    assertThat(after.value("gantry_authz_decisions_total") - before.value("gantry_authz_decisions_total"))
        .as("nothing else was decided").isEqualTo(11.0);
    assertThat(delta(before, after, "gantry_authz_decision_duration_seconds_count", Map.of("outcome", "allow"))).isEqualTo(6.0);
    assertThat(delta(before, after, "gantry_authz_decision_duration_seconds_count", Map.of("outcome", "forward"))).isEqualTo(1.0);
    assertThat(delta(before, after, "gantry_authz_decision_duration_seconds_count", Map.of("outcome", "deny"))).isEqualTo(4.0);
    assertThat(delta(before, after, "gantry_authz_decision_duration_seconds_sum", Map.of())).as("time passed").isPositive();
    assertThat(after.value("gantry_authz_checks_in_flight")).as("all answered").isZero();
    assertThat(delta(before, after, "gantry_authz_token_cache_lookups_total", Map.of("result", "hit")))
        .as("the token's second use at least (the wrong-workspace checks may look it up too)").isGreaterThanOrEqualTo(1.0);
    assertThat(after.value("gantry_authz_token_cache_size")).isGreaterThanOrEqualTo(1.0);

    // The decision log: a JSON line per refusal (written off the Check path, so waited for).
    java.util.List<String> lines = java.util.List.of();
    for (int i = 0; i < 100; i++) {
      lines = java.nio.file.Files.readAllLines(stack.decisionLogFile()).stream()
          .filter(l -> l.contains("\"path\":\"/m\"")).toList();
      if (lines.size() >= 4) {
        break;
      }
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50);
    }
    assertThat(lines).as("the four refusals, nothing admitted (admissions sampled at 0)").hasSize(4);
    assertThat(lines.stream().map(l -> JsonParser.parseString(l).getAsJsonObject().get("reason").getAsString()))
        .containsExactlyInAnyOrder("wrong-workspace", "wrong-workspace", reason(stranger), reason(noProduct));
    assertThat(lines).allMatch(l -> JsonParser.parseString(l).getAsJsonObject().has("request_id"))
        .noneMatch(l -> l.contains(token) || l.contains(key));
  }

  private static double delta(Metrics before, Metrics after, String name, Map<String, String> labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  @Test
  @Order(2)
  void theSnapshotServed_isTheControlPlanesLatest() throws Exception {
    stack.awaitSidecarCurrent();
    double version = stack.controlPlane.store().current().version();
    // The gauge moves just after the store does: read until it shows the version (at most 5 s).
    Metrics metrics = stack.scrapeAuthz();
    for (int i = 0; i < 100 && metrics.value("gantry_authz_snapshot_version") != version; i++) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50);
      metrics = stack.scrapeAuthz();
    }
    assertThat(metrics.value("gantry_authz_snapshot_version")).isEqualTo(version);
    assertThat(metrics.value("gantry_authz_snapshot_age_seconds")).isGreaterThanOrEqualTo(0.0);
    assertThat(metrics.value("gantry_authz_snapshot_apply_duration_seconds_count")).isPositive();
  }

  @Test
  @Order(3)
  void aJwksOutage_showsAsFailedFetches() throws Exception {
    Metrics before = stack.scrapeAuthz();
    stack.jwks.close();
    // A key id the set does not hold starts a refresh, at most one per 10 s per set (the last
    // may have been at start): asked until one has been tried, which fails.
    Metrics after = before;
    for (int i = 0; i < 60 && delta(before, after, "gantry_authz_jwks_fetches_total", Map.of()) == 0; i++) {
      RawHttp.Response response = get("agt-private-demo", "Authorization",
          "Bearer " + stack.jwks.token("demo", "rotated-" + i, c -> c));
      assertThat(response.status()).isEqualTo(401);
      stack.authz.jwks().refreshing().get(10, java.util.concurrent.TimeUnit.SECONDS);
      after = stack.scrapeAuthz();
      if (delta(before, after, "gantry_authz_jwks_fetches_total", Map.of()) == 0) {
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    assertThat(delta(before, after, "gantry_authz_jwks_fetches_total", Map.of("result", "fetch-failed"))).isEqualTo(1.0);
    assertThat(delta(before, after, "gantry_authz_jwks_fetches_total", Map.of("result", "ok"))).isZero();
  }
}
