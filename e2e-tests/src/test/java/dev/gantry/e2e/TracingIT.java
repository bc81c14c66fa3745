package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces as an operator reads them in Jaeger (the real one, with the committed configuration):
 * three regions whose gateways trace with Envoy's OpenTelemetry tracer and whose sidecars add a
 * span per Check. A request forwarded from one region to another is one trace — both gateways'
 * spans and both sidecars' Checks, each Check a child of its gateway's authorization call — with
 * and the workload's own span, with the decisions as attributes and never the credential; a
 * refusal can be found by its reason.
 */
class TracingIT {

  private static MultiRegionStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new MultiRegionStack(true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static String hex(int bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      hex.append(String.format("%02x", ThreadLocalRandom.current().nextInt(256)));
    }
    return hex.toString();
  }

  /** One span of a trace, read from Jaeger's JSON: its service, name, tags and parent. */
  private record Span(String id, String service, String name, Map<String, String> tags, String parent) {}

  private static List<Span> spans(JsonObject trace) {
    List<Span> spans = new ArrayList<>();
    JsonObject processes = trace.getAsJsonObject("processes");
    for (JsonElement element : trace.getAsJsonArray("spans")) {
      JsonObject span = element.getAsJsonObject();
      Map<String, String> tags = new java.util.TreeMap<>();
      for (JsonElement tag : span.getAsJsonArray("tags")) {
        tags.put(tag.getAsJsonObject().get("key").getAsString(), tag.getAsJsonObject().get("value").getAsString());
      }
      String parent = null;
      for (JsonElement reference : span.getAsJsonArray("references")) {
        if ("CHILD_OF".equals(reference.getAsJsonObject().get("refType").getAsString())) {
          parent = reference.getAsJsonObject().get("spanID").getAsString();
        }
      }
      String service = processes.getAsJsonObject(span.get("processID").getAsString()).get("serviceName").getAsString();
      spans.add(new Span(span.get("spanID").getAsString(), service, span.get("operationName").getAsString(), tags, parent));
    }
    return spans;
  }

  /** The trace's spans once they satisfy {@code until} (Envoy sends its spans every 5 s; asked every 500 ms, at most 30 s). */
  private static List<Span> trace(String traceId, Predicate<List<Span>> until) throws Exception {
    List<Span> spans = List.of();
    for (int i = 0; i < 60; i++) {
      spans = spans(stack.jaeger.trace(traceId));
      if (until.test(spans)) {
        return spans;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    return spans;
  }

  /** The sidecars' traces with a decision of {@code reason}, once Jaeger has one (asked every 500 ms, at most 30 s). */
  private static JsonArray sidecarTraces(String reason) throws Exception {
    JsonArray found = new JsonArray();
    for (int i = 0; i < 60 && found.isEmpty(); i++) {
      found = stack.jaeger.search("gantry-authz", "gantry.decision.reason", reason);
      if (found.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
    return found;
  }

  private static long count(List<Span> spans, String service) {
    return spans.stream().filter(s -> s.service().equals(service)).count();
  }

  @Test
  void aForwardedRequest_isOneTrace_bothGatewaysAndBothChecks_withTheDecisions_neverTheCredential() throws Exception {
    String traceId = hex(16);
    String token = stack.jwks.token("demo");
    RawHttp.Response response = stack.site("eu-lon-1").get("agt-private-demo.us-pdx-1", "/",
        "Authorization", "Bearer " + token, "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
    assertThat(response.status()).as(response.body()).isEqualTo(200);

    // Envoy exports a request's span when the request ends, so wait for both gateways' spans.
    List<Span> spans = trace(traceId, s -> count(s, "gantry-authz") == 2 && count(s, "gantry-demo-echo") == 1
        && s.stream().filter(span -> span.name().equals("ingress")).map(span -> span.tags().get("gantry.region"))
            .collect(java.util.stream.Collectors.toSet()).containsAll(Set.of("eu-lon-1", "us-pdx-1")));

    List<Span> checks = spans.stream().filter(s -> s.service().equals("gantry-authz")).toList();
    assertThat(checks).as(spans.toString()).hasSize(2);
    Span entry = checks.stream().filter(s -> "eu-lon-1".equals(s.tags().get("gantry.region"))).findFirst().orElseThrow();
    Span serving = checks.stream().filter(s -> "us-pdx-1".equals(s.tags().get("gantry.region"))).findFirst().orElseThrow();
    assertThat(entry.name()).isEqualTo("envoy.service.auth.v3.Authorization/Check");
    assertThat(entry.tags()).containsEntry("gantry.decision.outcome", "forward").containsEntry("gantry.credential.kind", "jwt");
    assertThat(serving.tags()).containsEntry("gantry.decision.outcome", "allow")
        .containsEntry("gantry.workload", "agt-private-demo").containsEntry("gantry.credential.kind", "jwt");
    // Each Check is the child of its own gateway's call to its sidecar, within that gateway's
    // span for the request (which names the region).
    Map<String, Span> byId = new java.util.HashMap<>();
    spans.forEach(s -> byId.put(s.id(), s));
    for (Span check : checks) {
      Span call = byId.get(check.parent());
      assertThat(call).as("the parent of %s in %s", check, spans).isNotNull();
      assertThat(call.service()).isEqualTo("gantry-gateway");
      assertThat(call.name()).contains("envoy.service.auth.v3.Authorization.Check");
      Span request = byId.get(call.parent());
      assertThat(request).as("the parent of %s in %s", call, spans).isNotNull();
      assertThat(request.tags().get("gantry.region")).as("%s", request).isEqualTo(check.tags().get("gantry.region"));
    }
    // The serving gateway's span continues the entry gateway's: its parent is the entry
    // gateway's span for the request (Envoy makes no span of its own for the call onward).
    Span servingRequest = spans.stream().filter(span -> span.name().equals("ingress")
        && "us-pdx-1".equals(span.tags().get("gantry.region"))).findFirst().orElseThrow();
    Span entryRequest = byId.get(servingRequest.parent());
    assertThat(entryRequest).as("the parent of %s in %s", servingRequest, spans).isNotNull();
    assertThat(entryRequest.name()).isEqualTo("ingress");
    assertThat(entryRequest.tags()).containsEntry("gantry.region", "eu-lon-1");
    // And the workload's own span, the child of the serving gateway's span for the request.
    Span workload = spans.stream().filter(s -> s.service().equals("gantry-demo-echo")).findFirst().orElseThrow();
    assertThat(workload.name()).isEqualTo("GET /");
    assertThat(workload.tags()).containsEntry("gantry.workload", "agt-private-demo").containsEntry("http.response.status_code", "200");
    assertThat(workload.parent()).as("the parent of %s in %s", workload, spans).isEqualTo(servingRequest.id());
    // The token (or any part of it) is in no span: not a tag, not a name.
    Set<String> secrets = new HashSet<>(List.of(token, token.substring(token.lastIndexOf('.') + 1)));
    for (Span span : spans) {
      for (String secret : secrets) {
        assertThat(span.toString()).as("span %s", span.name()).doesNotContain(secret);
      }
    }
  }

  @Test
  void aRefusal_isTraced_andFoundByItsReason() throws Exception {
    RawHttp.Response refused = stack.site("eu-par-1").get("agt-nobody-demo.eu-par-1", "/");
    assertThat(refused.status()).isEqualTo(401);

    JsonArray found = sidecarTraces("credentials-required");
    assertThat(found).as("a trace of gantry-authz with that reason").isNotEmpty();
    List<Span> spans = spans(found.get(0).getAsJsonObject());
    assertThat(spans.stream().filter(s -> s.service().equals("gantry-authz")).findFirst().orElseThrow().tags())
        .containsEntry("gantry.decision.outcome", "deny").containsEntry("gantry.region", "eu-par-1");
  }

  /**
   * A preview link carries its token in the query, and Envoy's span would record the URL: its
   * route traces nothing. The sidecar's span of the refusal is kept (refusals always are), and has
   * no URL either.
   */
  @Test
  void aPreviewLink_isNeverTraced_byTheGateway() throws Exception {
    String secret = "SECRET" + hex(8);
    RawHttp.Response refused = stack.site("eu-lon-1").get("3000--sbx-nothing-demo.eu-lon-1",
        "/app?gantry_preview_token=gp_abcdefghijkm_" + secret);
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);

    JsonArray found = sidecarTraces("unknown-preview-token");
    assertThat(found).as("the sidecar's span of the refusal").isNotEmpty();
    // Envoy sends its spans every 5 s: give an ingress span, were there one, the time to arrive.
    String first = spans(found.get(0).getAsJsonObject()).get(0).id();
    TimeUnit.SECONDS.sleep(6);
    JsonArray again = stack.jaeger.search("gantry-authz", "gantry.decision.reason", "unknown-preview-token");
    for (JsonElement trace : again) {
      List<Span> spans = spans(trace.getAsJsonObject());
      assertThat(spans).as("trace of span %s", first).noneMatch(span -> span.service().equals("gantry-gateway"));
      assertThat(spans.toString()).doesNotContain(secret);
    }
  }

  @Test
  void jaegersPorts_refuseAClientWithoutACertificateOfTheFleet() throws Exception {
    TestPki pki = TestPki.in(stack.workDir);
    javax.net.ssl.SSLContext operator = pki.clientContext(dev.gantry.pki.Identity.operator("local"));
    javax.net.ssl.SSLContext anonymous = pki.edgeClient();
    // Every port of Jaeger's: the OTLP receivers (gRPC, HTTP) and the query APIs (HTTP, gRPC),
    // each with what it speaks. With a certificate of the fleet, each answers; without one, each
    // refuses in the handshake — TLS 1.3 sends the refusal after the client's last flight, so it
    // arrives with the first read, as the alert or as the reset that follows it: never a wait.
    String http = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    String grpc = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    Map<Integer, String> ports = Map.of(stack.jaeger.otlpPort, grpc, stack.jaeger.otlpHttpPort, http,
        stack.jaeger.queryPort, http, stack.jaeger.queryGrpcPort, grpc);
    for (Map.Entry<Integer, String> port : ports.entrySet()) {
      assertThat(firstByte(operator, port.getKey(), port.getValue())).as("port %d, with a certificate", port.getKey())
          .isNotNegative();
      assertThatThrownBy(() -> firstByte(anonymous, port.getKey(), port.getValue())).as("port %d, without", port.getKey())
          .isInstanceOf(IOException.class).isNotInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  /** Connects over TLS as {@code client}, sends {@code request} and reads the first byte of the answer (-1: closed). */
  private static int firstByte(javax.net.ssl.SSLContext client, int port, String request) throws IOException {
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      // What the port's clients offer: h2 for gRPC (gRPC servers require it), http/1.1 otherwise.
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {request.startsWith("PRI") ? "h2" : "http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return socket.getInputStream().read();
    }
  }
}
