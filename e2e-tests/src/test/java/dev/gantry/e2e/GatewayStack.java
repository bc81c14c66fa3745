package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.fail;

import dev.gantry.authz.AuthzServer;
import dev.gantry.authz.grpc.DecisionLog;
import dev.gantry.telemetry.MetricsEndpoint;
import dev.gantry.telemetry.Telemetry;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.demo.EchoServer;
import dev.gantry.demo.StreamEchoService;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One gateway region, whole and real: the echo workload, the control plane, the authz-service
 * (in this JVM, started exactly as their {@code main}s start them) and the real Envoy binary
 * configured by that control plane. Every port is free-chosen, so stacks never collide with
 * each other or with a running {@code ./gantry up}.
 *
 * <p>Workloads: {@code agt-echo-demo} (public, eu-lon-1, the HTTP echo), {@code
 * agt-grpc-echo-demo} (public, eu-lon-1, HTTP/2: the gRPC stream echo), {@code agt-private-demo}
 * (private to workspace demo, eu-lon-1, the HTTP echo), {@code agt-echo-other} (private to
 * workspace other, the HTTP echo) and {@code agt-far-demo} (public, us-pdx-1 only). Workspaces
 * demo and other trust tokens of {@link TestJwks}.
 */
final class GatewayStack implements AutoCloseable {

  static final String REGION = "eu-lon-1";

  final int gatewayPort = FreePorts.next();
  final int httpsPort = FreePorts.next();
  /** Whether the plaintext port redirects to HTTPS (production) or serves (the local stack). */
  final boolean redirectPlaintext;
  final int authzPort = FreePorts.next();
  final int controlPlanePort = FreePorts.next();
  private final EventLoopGroup echoLoop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final EchoServer echo;
  final Server grpcEcho;
  final TestJwks jwks;
  ControlPlane controlPlane;
  AuthzServer authz;
  /** The sidecar's telemetry and Prometheus endpoint, wired as the authz-service's main wires them; kept across restarts. */
  final Telemetry authzTelemetry = Telemetry.start("gantry-authz", true);
  MetricsEndpoint authzMetrics;
  /** The sidecar's decision log (refusals; no admissions sampled), as --decision-log writes it. */
  final DecisionLog decisions;
  /** The control plane's, likewise. */
  final Telemetry controlPlaneTelemetry = Telemetry.start("gantry-control-plane", true);
  MetricsEndpoint controlPlaneMetrics;
  EnvoyProcess envoy;
  private final Topology topology;
  private io.grpc.ManagedChannel admin;
  final Path workDir;
  final TestPki pki;

  GatewayStack() throws Exception {
    this(false);
  }

  GatewayStack(boolean redirectPlaintext) throws Exception {
    this.redirectPlaintext = redirectPlaintext;
    workDir = Files.createDirectories(Path.of("target", "e2e", "stack-" + gatewayPort));
    pki = TestPki.in(workDir);
    jwks = new TestJwks();
    echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "agt-echo-demo", REGION, echoLoop);
    grpcEcho = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(new StreamEchoService("agt-grpc-echo-demo", REGION))
        .build()
        .start();
    topology = TopologyLoader.load(regionsYaml(), "test regions");
    decisions = DecisionLog.toFile(decisionLogFile(), 0, REGION, authzTelemetry.meter("dev.gantry.authz"));
    controlPlane = startControlPlane();
    authz = startAuthz();
    authzMetrics = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), authzTelemetry, pki.authz(REGION));
    controlPlaneMetrics = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), controlPlaneTelemetry, pki.controlPlane());
    envoy = EnvoyProcess.start(REGION, controlPlanePort, workDir);
    awaitServing();
  }

  ControlPlane startControlPlane() throws Exception {
    String seed = """
        workspaces:
          - id: demo
            jwt_issuers: [{issuer: "%1$sdemo", jwks_uri: "%2$s", audiences: [gantry]}]
          - id: other
            jwt_issuers: [{issuer: "%1$sother", jwks_uri: "%2$s", audiences: [gantry]}]
        workloads:
          - id: agt-echo-demo
            public: true
            regions: [eu-lon-1]
            replicas:
              - {region: eu-lon-1, address: 127.0.0.1:%3$d}
          - id: agt-grpc-echo-demo
            public: true
            protocol: http2
            regions: [eu-lon-1]
            replicas:
              - {region: eu-lon-1, address: 127.0.0.1:%4$d}
          - id: agt-private-demo
            regions: [eu-lon-1]
            replicas:
              - {region: eu-lon-1, address: 127.0.0.1:%3$d}
          - id: agt-echo-other
            regions: [eu-lon-1]
            replicas:
              - {region: eu-lon-1, address: 127.0.0.1:%3$d}
          - id: agt-far-demo
            public: true
            regions: [us-pdx-1]
        """.formatted(TestJwks.ISSUER_BASE, jwks.uri(), echo.port(), grpcEcho.getPort());
    return ControlPlane.start(new ControlPlane.Config(
        new HostPort("127.0.0.1", controlPlanePort), topology, SeedLoader.load(seed, "test seed", topology), null,
        pki.controlPlane(), new ControlPlane.Edge(edgeDir(), pki.pki)), controlPlaneTelemetry.meter("dev.gantry.controlplane"));
  }

  AuthzServer startAuthz() throws Exception {
    return startAuthz(AuthzServer.UsageSettings.DEFAULT);
  }

  /** A sidecar that may hold this much for usage metering. */
  AuthzServer startAuthz(AuthzServer.UsageSettings usage) throws Exception {
    return AuthzServer.start(new AuthzServer.Config(
        new dev.gantry.routing.SidecarAddress.Unix(pki.authzSocket(REGION)),
        new InetSocketAddress("127.0.0.1", controlPlanePort),
        REGION,
        "authz-test-" + REGION,
        AuthzServer.JwksSettings.DEFAULT,
        pki.authz(REGION), usage), authzTelemetry.meter("dev.gantry.authz"), decisions);
  }

  /** Where the sidecar's decision log goes. */
  Path decisionLogFile() {
    return workDir.resolve("decisions.jsonl");
  }

  /** The sidecar's {@code /metrics}, as the local Prometheus (spiffe://gantry/scraper/prometheus) reads it. */
  Metrics scrapeAuthz() throws Exception {
    return scrape(authzMetrics.port());
  }

  /** The control plane's {@code /metrics}, likewise. */
  Metrics scrapeControlPlane() throws Exception {
    return scrape(controlPlaneMetrics.port());
  }

  private Metrics scrape(int port) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .sslContext(pki.clientContext(dev.gantry.pki.Identity.scraper("prometheus"))).build();
    java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("https://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + response.statusCode());
    }
    return Metrics.parse(response.body());
  }

  /** The catalog's certificates: the local CA issues them into {@code local/} (as in ./gantry up). */
  Path edgeDir() {
    return workDir.resolve("edge");
  }

  /** The public plaintext port, as a client reaches it. */
  PublicPort plaintext() {
    return new PublicPort("plaintext", gatewayPort, null);
  }

  /** The public HTTPS port, as a client trusting the stack's CA reaches it. */
  PublicPort https() {
    return new PublicPort("https", httpsPort, pki.ca());
  }

  /** {@link #plaintext()} or {@link #https()} by name: for tests run over both. */
  PublicPort port(String name) {
    return switch (name) {
      case "plaintext" -> plaintext();
      case "https" -> https();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private String regionsYaml() {
    return """
        base_domains: [run.localhost]
        plaintext: %s
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, https: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: "unix:%s"}
          - {id: eu-par-1, country: FR, continent: EU, coordinates: [48.86, 2.35],
             gateway: 127.0.0.1:%d, https: 127.0.0.1:%d, internal: 127.0.0.1:%d}
          - {id: us-pdx-1, country: US, continent: NA, coordinates: [45.52, -122.68],
             gateway: 127.0.0.1:%d, https: 127.0.0.1:%d, internal: 127.0.0.1:%d}
        groups:
          eu: {continents: [EU]}
          us: {countries: [US]}
        """.formatted(redirectPlaintext ? "redirect" : "serve", gatewayPort, httpsPort, FreePorts.next(), pki.authzSocket(REGION),
            FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next());
  }

  /** Swaps in another Envoy for this stack's gateway (the old one must be closed). */
  void replaceEnvoy(EnvoyProcess replacement) {
    envoy = replacement;
  }

  /** The host of a workload at this gateway, with its port, as a client would send it. */
  String host(String workloadAndLocation) {
    return workloadAndLocation + ".run.localhost:" + gatewayPort;
  }

  RawHttp.Response get(String host, String path) throws Exception {
    return RawHttp.get(gatewayPort, host, path);
  }

  /**
   * Changes the control plane's state the way operators do, in a rotation that touches every
   * channel: a workload added (CDS, EDS, authz snapshot), a replica registered (EDS), a policy
   * flag flipped (authz snapshot only), a workload removed (CDS, EDS, authz snapshot). None of
   * them concerns the demo workloads' own streams.
   */
  void pushConfigChange(int i) {
    WorkloadId churn = WorkloadId.parse("agt-churn" + (i / 4) + "-demo");
    controlPlane.store().update(state -> {
      Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
      List<Replica> replicas = new ArrayList<>(state.replicas());
      switch (i % 4) {
        case 0 -> workloads.put(churn, new Workload(churn, false, new TreeSet<>(List.of(REGION))));
        case 1 -> replicas.add(new Replica(churn, REGION, new HostPort("127.0.0.1", 9)));
        case 2 -> workloads.put(churn, new Workload(churn, true, new TreeSet<>(List.of(REGION))));
        default -> {
          workloads.remove(churn);
          replicas.removeIf(r -> r.workload().equals(churn));
        }
      }
      return state.withWorkloads(workloads, replicas);
    });
  }

  /** Waits (at most 10 s) until the authz-service serves the control plane's current state, every write before now in it. */
  void awaitSidecarCurrent() throws Exception {
    long version = controlPlane.store().current().version();
    for (int i = 0; i < 1000 && authz.snapshots().current().version() < version; i++) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    if (authz.snapshots().current().version() < version) {
      fail("the authz-service serves version " + authz.snapshots().current().version() + ", not " + version + ", after 10 s");
    }
  }

  /** Another HTTP echo on a free loopback port (the caller closes it): a second replica to add. */
  EchoServer startAnotherEcho(String name) throws Exception {
    return EchoServer.start(new InetSocketAddress("127.0.0.1", 0), name, REGION, echoLoop);
  }

  /** Streams reset on the public listeners, by the client or by Envoy (both share the "gateway" stat prefix). */
  long streamResets() {
    return envoyStat("http.gateway.downstream_rq_rx_reset") + envoyStat("http.gateway.downstream_rq_tx_reset");
  }

  /** A counter from Envoy's admin stats, e.g. {@code cluster_manager.cds.update_success}. */
  long envoyStat(String name) {
    return envoy.stat(name);
  }

  /** Waits until the demo workload answers through Envoy: config pushed, snapshot received. */
  void awaitServing() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String last = "no attempt";
    while (Instant.now().isBefore(deadline)) {
      if (!envoy.isAlive()) {
        fail("Envoy exited:\n" + envoy.log());
      }
      try {
        RawHttp.Response response = redirectPlaintext ? null : get(host("agt-echo-demo." + REGION), "/ready");
        if (response == null || response.status() == 200) {
          response = RawHttp.get(pki.edgeClient().getSocketFactory(), httpsPort,
              "agt-echo-demo." + REGION + ".run.localhost:" + httpsPort, "/ready", List.of());
          if (response.status() == 200) {
            return;
          }
        }
        last = response.status() + " " + response.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    fail("gateway not serving after 30 s (last: " + last + ")\nEnvoy log:\n" + envoy.log());
  }

  /** A channel to the control plane's admin API, closed with the stack. */
  synchronized io.grpc.ManagedChannel admin() {
    if (admin == null) {
      admin = pki.operator(controlPlanePort);
    }
    return admin;
  }

  @Override
  public void close() throws Exception {
    if (admin != null) {
      admin.shutdownNow();
    }
    envoy.close();
    if (authz != null) {
      authz.close();
    }
    authzMetrics.close();
    decisions.close();
    authzTelemetry.close();
    controlPlaneMetrics.close();
    controlPlaneTelemetry.close();
    if (controlPlane != null) {
      controlPlane.close();
    }
    echo.close();
    grpcEcho.shutdownNow();
    jwks.close();
    echoLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
