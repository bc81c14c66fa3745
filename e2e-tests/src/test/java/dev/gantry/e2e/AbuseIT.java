package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a client sends that is not the gateway's word, through the real Envoy: identity in
 * underscored header names, Envoy's own and forwarding headers, headers large enough to push the
 * gateway's past a workload's limit, and connections that never finish their headers.
 */
class AbuseIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void start() {
    stack = STACKS.stack();
  }

  private static RawHttp.Response get(String workload, String path, String... headers) throws Exception {
    return RawHttp.get(stack.gatewayPort, stack.host(workload), path, RawHttp.headers(headers));
  }

  private static JsonObject seen(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers");
  }

  @Test
  void underscoredIdentityHeaders_areRefused_neverReachTheWorkload() throws Exception {
    RawHttp.Response response = get("agt-echo-demo.eu-lon-1", "/", "x_gantry_workspace", "demo", "x_gantry_subject", "root");

    assertThat(response.status()).as("a header name with '_' is refused: " + response.body()).isEqualTo(400);
  }

  @Test
  void envoysAndForwardingHeaders_fromAClient_neverReachTheWorkload() throws Exception {
    String[] forged = {"x-envoy-upstream-stream-duration-ms", "1", "x-envoy-retry-on", "5xx", "x-envoy-anything", "x",
        "x-real-ip", "10.0.0.1", "forwarded", "for=10.0.0.1", "x-forwarded-host", "admin.internal", "x-client-ip", "10.0.0.1"};
    for (String[] route : List.of(new String[] {"agt-echo-demo.eu-lon-1", "/"},
        new String[] {"legacy", "/demo/agents/echo/x"})) {
      RawHttp.Response response = route[0].equals("legacy")
          ? RawHttp.get(stack.gatewayPort, "legacy.run.localhost:" + stack.gatewayPort, route[1], RawHttp.headers(forged))
          : get(route[0], route[1], forged);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonObject seen = seen(response);
      for (int i = 0; i < forged.length; i += 2) {
        assertThat(seen.has(forged[i])).as(forged[i] + " on " + route[0]).isFalse();
      }
      assertThat(seen.getAsJsonArray("x-gantry-workload").get(0).getAsString()).isEqualTo("agt-echo-demo");
    }
  }

  @Test
  void aForgedForwardedFor_isReplacedByTheClientsOwnAddress() throws Exception {
    for (String[] route : List.of(new String[] {"agt-echo-demo.eu-lon-1", "/"},
        new String[] {"legacy", "/demo/agents/echo/x"})) {
      String[] forged = {"x-forwarded-for", "6.6.6.6, 10.0.0.1"};
      RawHttp.Response response = route[0].equals("legacy")
          ? RawHttp.get(stack.gatewayPort, "legacy.run.localhost:" + stack.gatewayPort, route[1], RawHttp.headers(forged))
          : get(route[0], route[1], forged);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(seen(response).getAsJsonArray("x-forwarded-for")).as(route[0])
          .containsExactly(new com.google.gson.JsonPrimitive("127.0.0.1"));
    }
  }

  @Test
  void aLargeClientHeader_neverCrowdsOutTheGatewaysOwn_andAnOversizedOneIsRefused() throws Exception {
    RawHttp.Response large = get("agt-echo-demo.eu-lon-1", "/", "x-big", "a".repeat(30 * 1024));
    assertThat(large.status()).as(large.body()).isEqualTo(200);
    assertThat(seen(large).getAsJsonArray("x-gantry-workload").get(0).getAsString())
        .as("identity headers arrive beside a 30 KiB client header").isEqualTo("agt-echo-demo");

    RawHttp.Response oversized = get("agt-echo-demo.eu-lon-1", "/", "x-big", "a".repeat(40 * 1024));
    assertThat(oversized.status()).as("past the gateway's 32 KiB of request headers").isEqualTo(431);
  }

  @Test
  void aConnectionThatNeverFinishesItsHeaders_isClosedByTheHeadersTimeout() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", stack.gatewayPort), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + stack.host("agt-echo-demo.eu-lon-1") + "\r\nx-slow: 1\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readAllBytes(); // returns when Envoy closes the connection
      String text = new String(answer, StandardCharsets.US_ASCII);
      assertThat(text).as("closed by the gateway, not by the 30 s read timeout").startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void oneClientConnection_causesAtMostItsStreamLimitOfUpstreamConnections() throws Exception {
    long upstreamBefore = counter("cluster.agt-echo-demo@eu-lon-1.upstream_cx_total");
    long downstreamBefore = counter("http.gateway.downstream_cx_total");
    // 150 slow requests at once over HTTP/2: a connection carries at most 100 of them, so the
    // client needs two, and the HTTP/1.1 workload sees at most 100 connections per client one.
    Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-Z", "--parallel-immediate",
        "--parallel-max", "150", "-o", "/dev/null", "-w", "%{http_code}\\n", "-H", "Host: " + stack.host("agt-echo-demo.eu-lon-1"),
        "http://127.0.0.1:" + stack.gatewayPort + "/slow?seconds=2&i=[1-150]").redirectErrorStream(true).start();
    String codes = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(codes.lines().filter("200"::equals).count()).as(codes).isEqualTo(150);
    long clientConnections = counter("http.gateway.downstream_cx_total") - downstreamBefore;
    long upstream = counter("cluster.agt-echo-demo@eu-lon-1.upstream_cx_total") - upstreamBefore;
    assertThat(clientConnections).as("150 streams need two connections of 100 (one, were streams unlimited)")
        .isGreaterThanOrEqualTo(2);
    assertThat(upstream).as("upstream connections for %d client connections", clientConnections)
        .isLessThanOrEqualTo(100 * clientConnections);
  }

  private static long counter(String name) {
    return stack.envoy.admin("/stats?filter=cx_total").lines().filter(l -> l.startsWith(name + ":"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).sum();
  }

  @Test
  void aTenMebibyteAdminRequest_isRefusedBeforeAnyServiceRuns_andTheControlPlaneStaysHealthy() {
    var workloads = dev.gantry.proto.admin.v1.WorkloadServiceGrpc.newBlockingStub(stack.admin());
    long before = workloads.listWorkloads(dev.gantry.proto.admin.v1.ListWorkloadsRequest.getDefaultInstance()).getWorkloadsCount();
    var huge = dev.gantry.proto.admin.v1.CreateWorkloadRequest.newBuilder()
        .setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId("agt-huge-demo").addRegions("eu-lon-1")
            .putLabels("blob", "x".repeat(10 * 1024 * 1024)))
        .build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workloads.createWorkload(huge))
        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED));
    assertThat(workloads.listWorkloads(dev.gantry.proto.admin.v1.ListWorkloadsRequest.getDefaultInstance()).getWorkloadsCount())
        .as("nothing written, and the control plane answers the next call").isEqualTo(before);

    // Under the transport's bound, over a field's: refused by name, before any rule or service.
    var large = huge.toBuilder().setWorkload(huge.getWorkload().toBuilder().putLabels("blob", "x".repeat(3 * 1024 * 1024))).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workloads.createWorkload(large))
        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("request-too-large: workload.labels[0].value: 3145728 characters");
        });
    assertThat(workloads.listWorkloads(dev.gantry.proto.admin.v1.ListWorkloadsRequest.getDefaultInstance()).getWorkloadsCount())
        .isEqualTo(before);
  }
}
