package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.model.RequestFacts;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static RequestFacts request(Map<String, String> headers) {
    return new RequestFacts("agt-nobody-demo.eu-lon-1.run.example", "POST", "/v1/run?access_token=sekrit", headers,
        RequestFacts.Listener.PUBLIC, new byte[0]);
  }

  @Test
  void aRefusal_isOneJsonLine_withItsReasonAndIds_andNoCredentialOrQuery() {
    DecisionLog log = new DecisionLog(new StringWriter(), 0, "eu-lon-1", CLOCK, null, 10);
    String line = log.line(new Decision.Deny(401, "bad-signature", "the signature does not verify"),
        request(Map.of("authorization", "Bearer eyJhbGciOi.secret.sig", "x-request-id", "r-1", "traceparent", TRACEPARENT)));

    JsonObject json = JsonParser.parseString(line).getAsJsonObject();
    assertThat(json.get("time").getAsString()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(json.get("region").getAsString()).isEqualTo("eu-lon-1");
    assertThat(json.get("outcome").getAsString()).isEqualTo("deny");
    assertThat(json.get("status").getAsInt()).isEqualTo(401);
    assertThat(json.get("reason").getAsString()).isEqualTo("bad-signature");
    assertThat(json.get("path").getAsString()).as("the query may carry a credential").isEqualTo("/v1/run");
    assertThat(json.get("request_id").getAsString()).isEqualTo("r-1");
    assertThat(json.get("trace_id").getAsString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line).doesNotContain("eyJ").doesNotContain("sekrit").doesNotContain("secret").doesNotContain("\n");
  }

  @Test
  void anAdmission_namesItsWorkloadAndCredentialId() {
    DecisionLog log = new DecisionLog(new StringWriter(), 1, "eu-lon-1", CLOCK, null, 10);
    String line = log.line(new Decision.Allow("c", Map.of("x-gantry-workload", "agt-private-demo", "x-gantry-region", "eu-lon-1",
        "x-gantry-credential-kind", "api_key", "x-gantry-credential-id", "k1"), List.of()), request(Map.of()));
    JsonObject json = JsonParser.parseString(line).getAsJsonObject();
    assertThat(json.get("outcome").getAsString()).isEqualTo("allow");
    assertThat(json.get("workload").getAsString()).isEqualTo("agt-private-demo");
    assertThat(json.get("credential_kind").getAsString()).isEqualTo("api_key");
    assertThat(json.get("credential_id").getAsString()).isEqualTo("k1");
    assertThat(json.has("trace_id")).isFalse();
  }

  @Test
  void clientInput_cannotBreakTheLine() {
    DecisionLog log = new DecisionLog(new StringWriter(), 0, "eu-lon-1", CLOCK, null, 10);
    String line = log.line(new Decision.Deny(400, "malformed-host", "x"),
        new RequestFacts("evil\"}\n{\"outcome\":\"allow", "GET", "/", Map.of("x-request-id", "a\nb"), RequestFacts.Listener.PUBLIC,
            new byte[0]));
    assertThat(line).doesNotContain("\n");
    assertThat(JsonParser.parseString(line).getAsJsonObject().get("outcome").getAsString()).isEqualTo("deny");
  }

  @Test
  void theChecksTrace_isTheLinesTrace_overTheClientsOwnTraceparent() {
    DecisionLog log = new DecisionLog(new StringWriter(), 0, "eu-lon-1", CLOCK, null, 10);
    RequestFacts request = new RequestFacts("agt-x-demo.run.localhost", "GET", "/", Map.of("traceparent", TRACEPARENT),
        RequestFacts.Listener.PUBLIC, new byte[0]);
    Decision deny = new Decision.Deny(401, "credentials-required", "x");

    String envoys = "0af7651916cd43dd8448eb211c80319c";
    assertThat(JsonParser.parseString(log.line(deny, request, envoys)).getAsJsonObject().get("trace_id").getAsString())
        .isEqualTo(envoys);
    assertThat(JsonParser.parseString(log.line(deny, request, null)).getAsJsonObject().get("trace_id").getAsString())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void traceIds_onlyFromAWellFormedTraceparent() {
    assertThat(DecisionLog.traceId(TRACEPARENT)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(DecisionLog.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
    assertThat(DecisionLog.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isNull();
    assertThat(DecisionLog.traceId("garbage")).isNull();
    assertThat(DecisionLog.traceId(null)).isNull();
  }

  @Test
  void refusalsAreWritten_admissionsSampled_andAFullQueueDropsAndCounts(@TempDir Path dir) throws Exception {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    StringWriter out = new StringWriter();
    DecisionLog log = new DecisionLog(out, 0, "eu-lon-1", CLOCK, meters.get("test"), 3);
    Decision deny = new Decision.Deny(403, "wrong-workspace", "x");
    Decision allow = new Decision.Allow("c", Map.of("x-gantry-region", "eu-lon-1"), List.of());
    for (int i = 0; i < 5; i++) {
      log.record(deny, request(Map.of()));
      log.record(allow, request(Map.of()));
    }
    log.start();
    log.close();

    assertThat(out.toString().lines()).as("three queued refusals; admissions sampled at 0").hasSize(3)
        .allMatch(l -> l.contains("\"reason\":\"wrong-workspace\""));
    assertThat(reader.collectAllMetrics()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("gantry.authz.decision_log.dropped");
      assertThat(m.getLongSumData().getPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(2));
    });

    Path file = dir.resolve("decisions.jsonl");
    DecisionLog every = DecisionLog.toFile(file, 1, "eu-lon-1", meters.get("test"));
    every.record(allow, request(Map.of()));
    every.close();
    assertThat(Files.readAllLines(file)).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"allow\""));
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }
}
