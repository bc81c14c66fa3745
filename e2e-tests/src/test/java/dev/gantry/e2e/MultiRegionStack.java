package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonParser;
import dev.gantry.authz.AuthzServer;
import dev.gantry.authz.grpc.DecisionLog;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.xds.GatewayTracing;
import dev.gantry.demo.EchoServer;
import dev.gantry.demo.ReplicaRegistration;
import dev.gantry.routing.HostPort;
import dev.gantry.telemetry.RefusalsSampled;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three gateway regions on loopback, whole and real, as {@code ./gantry up} runs them: one
 * control plane; per region the real Envoy, an authz-service and an echo process that registers
 * its replicas with a lease and heartbeats (the demo workload's own {@link ReplicaRegistration}).
 * Every port is free-chosen.
 *
 * <p>Workloads: {@code agt-echo-demo} (public, every region), {@code mcp-tools-demo} (public,
 * location policy continent EU: eu-lon-1 and eu-par-1), {@code sbx-box-demo} (public sandbox,
 * eu-par-1), {@code agt-private-demo} (private to workspace demo, every region).
 */
final class MultiRegionStack implements AutoCloseable {

  static final List<String> REGIONS = List.of("eu-lon-1", "eu-par-1", "us-pdx-1");

  /** A region's gateway: its public and internal listeners, its sidecar and its echo. */
  final class Site {
    final String region;
    final int gatewayPort = FreePorts.next();
    final int internalPort = FreePorts.next();
    final int authzPort = FreePorts.next();
    final int echoPort = FreePorts.next();
    EchoServer echo;
    ReplicaRegistration registration;
    AuthzServer authz;
    EnvoyProcess envoy;

    Site(String region) {
      this.region = region;
    }

    /** The workloads this region's echo serves: those deployed here. */
    List<String> serves() {
      List<String> serves = new ArrayList<>(List.of("agt-echo-demo", "agt-private-demo"));
      if (region.startsWith("eu-")) {
        serves.add("mcp-tools-demo");
      }
      if (region.equals("eu-par-1")) {
        serves.add("sbx-box-demo");
      }
      if (region.equals("eu-lon-1")) {
        serves.addAll(List.of("agt-llm-demo", "agt-llm-other"));
      }
      return serves;
    }

    /** Starts (or restarts, on the same port) this region's echo and registers its replicas. */
    void startEcho() throws Exception {
      echo = EchoServer.start(new InetSocketAddress("127.0.0.1", echoPort), "echo", region, echoLoop, echoTracer);
      List<ReplicaRegistration.Replica> replicas = new ArrayList<>();
      for (String workload : serves()) {
        replicas.add(new ReplicaRegistration.Replica(workload, region, new HostPort("127.0.0.1", echoPort)));
      }
      registration = ReplicaRegistration.start(new HostPort("127.0.0.1", controlPlanePort), replicas, LEASE,
          TestPki.in(workDir).registrar());
    }

    /** Stops the echo as a crash would: no deregistration; the leases run out. */
    void crashEcho() throws Exception {
      registration.abandon();
      echo.close();
    }

    /** Stops the echo but keeps its replicas registered (their leases renewed): listed, yet unreachable. */
    void stopEchoKeepingLeases() throws Exception {
      echo.close();
    }

    /** Starts the echo again on its port, behind the registration that stayed. */
    void restartEchoBehindLeases() throws Exception {
      echo = EchoServer.start(new InetSocketAddress("127.0.0.1", echoPort), "echo", region, echoLoop, echoTracer);
    }

    RawHttp.Response get(String host, String path, String... headers) throws Exception {
      return RawHttp.get(gatewayPort, host + ".run.localhost:" + gatewayPort, path, RawHttp.headers(headers));
    }

    RawHttp.Response post(String host, String path, String body, String... headers) throws Exception {
      return RawHttp.post(gatewayPort, host + ".run.localhost:" + gatewayPort, path, RawHttp.headers(headers), body);
    }
  }

  /** The replicas' lease: short, so a crashed one leaves the endpoints soon. */
  static final Duration LEASE = Duration.ofMillis(1500);

  final int controlPlanePort = FreePorts.next();
  final Map<String, Site> sites = new LinkedHashMap<>();
  final TestJwks jwks;
  final Topology topology;
  final ControlPlane controlPlane;
  private final EventLoopGroup echoLoop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final Path workDir;

  /** The sidecars' tracing, when the stack traces: one SDK per sidecar, exporting to Jaeger. */
  private final List<SdkTracerProvider> tracing = new ArrayList<>();

  /** Jaeger, receiving the stack's traces; null when the stack does not trace. */
  final JaegerProcess jaeger;
  /** The demo echoes' tracer; null when the stack does not trace. */
  private io.opentelemetry.api.trace.Tracer echoTracer;

  MultiRegionStack() throws Exception {
    this(false);
  }

  /**
   * A stack whose gateways and sidecars, when {@code traced}, trace every request into a Jaeger of
   * its own: the control plane's {@code --trace-collector}, each sidecar's OTLP exporter over
   * mutual TLS with its own certificate, as {@code OTEL_*} variables configure it in {@code
   * ./gantry up --observe}.
   */
  MultiRegionStack(boolean traced) throws Exception {
    REGIONS.forEach(r -> sites.put(r, new Site(r)));
    workDir = Files.createDirectories(Path.of("target", "e2e", "regions-" + controlPlanePort));
    TestPki pki = TestPki.in(workDir);
    jaeger = traced ? JaegerProcess.start(workDir, pki) : null;
    if (jaeger != null) {
      echoTracer = tracer(jaeger, pki.registrar(), "gantry-demo-echo", "dev.gantry.demo");
    }
    jwks = new TestJwks();
    topology = TopologyLoader.load(regionsYaml(), "test regions");
    String seed = """
        workspaces:
          - id: demo
            jwt_issuers: [{issuer: "%1$sdemo", jwks_uri: "%2$s", audiences: [gantry]}]
          - id: other
            jwt_issuers: [{issuer: "%1$sother", jwks_uri: "%2$s", audiences: [gantry]}]
        workloads:
          - {id: agt-echo-demo, public: true}
          - {id: mcp-tools-demo, public: true, policy: {continents: [EU]}}
          - {id: sbx-box-demo, public: true, regions: [eu-par-1]}
          - {id: agt-private-demo}
          - {id: agt-llm-demo, regions: [eu-lon-1], metering: {}}
          - {id: agt-llm-other, public: true, regions: [eu-lon-1], metering: {}}
        """.formatted(TestJwks.ISSUER_BASE, jwks.uri());
    controlPlane = ControlPlane.start(new ControlPlane.Config(
        new HostPort("127.0.0.1", controlPlanePort), topology, SeedLoader.load(seed, "test seed", topology), null,
        pki.controlPlane(), null,
        jaeger == null ? null : new GatewayTracing(new HostPort("127.0.0.1", jaeger.otlpPort), 100)));
    for (Site site : sites.values()) {
      site.startEcho();
      site.authz = AuthzServer.start(new AuthzServer.Config(
          new dev.gantry.routing.SidecarAddress.Unix(pki.authzSocket(site.region)),
          new InetSocketAddress("127.0.0.1", controlPlanePort),
          site.region,
          "authz-test-" + site.region,
          AuthzServer.JwksSettings.DEFAULT,
          pki.authz(site.region)), io.opentelemetry.api.metrics.MeterProvider.noop().get("noop"), DecisionLog.NONE,
          jaeger == null ? null : tracer(jaeger, pki.authz(site.region), "gantry-authz", "dev.gantry.authz"));
      site.envoy = EnvoyProcess.start(site.region, controlPlanePort, workDir);
    }
    awaitServing();
  }

  /** A service's tracer: OTLP/HTTP to Jaeger over mutual TLS, refusals always sampled, as Telemetry sets it up. */
  private io.opentelemetry.api.trace.Tracer tracer(JaegerProcess jaeger, dev.gantry.pki.TlsFiles tls, String service,
      String scope) throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("https://127.0.0.1:" + jaeger.otlpHttpPort + "/v1/traces")
        .setTrustedCertificates(Files.readAllBytes(tls.ca()))
        .setClientTls(Files.readAllBytes(tls.key()), Files.readAllBytes(tls.cert()))
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            io.opentelemetry.api.common.Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                service))))
        .setSampler(new RefusalsSampled(Sampler.parentBased(Sampler.alwaysOn())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(200)).build())
        .build();
    tracing.add(provider);
    return provider.get(scope);
  }

  Site site(String region) {
    return sites.get(region);
  }

  /** A channel to the control plane's admin API; the caller shuts it down. */
  ManagedChannel admin() {
    return TestPki.in(workDir).operator(controlPlanePort);
  }

  /** The region that served a response of the echo, read from its JSON. */
  static String servedBy(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("region").getAsString();
  }

  /** The region that served a response, or null when the echo did not answer it (a gateway's error). */
  static String servedByOrNull(RawHttp.Response response) {
    return response.status() == 200 ? servedBy(response) : null;
  }

  private String regionsYaml() {
    StringBuilder yaml = new StringBuilder("base_domains: [run.localhost]\nregions:\n");
    Map<String, String> places = Map.of(
        "eu-lon-1", "country: GB, continent: EU, coordinates: [51.51, -0.13]",
        "eu-par-1", "country: FR, continent: EU, coordinates: [48.86, 2.35]",
        "us-pdx-1", "country: US, continent: NA, coordinates: [45.52, -122.68]");
    for (Site site : sites.values()) {
      yaml.append("  - {id: ").append(site.region).append(", ").append(places.get(site.region))
          .append(", gateway: 127.0.0.1:").append(site.gatewayPort)
          .append(", internal: 127.0.0.1:").append(site.internalPort)
          .append(", authz: \"unix:").append(TestPki.in(workDir).authzSocket(site.region)).append("\"}\n");
    }
    return yaml.append("groups:\n  eu: {continents: [EU]}\n  us: {countries: [US]}\n").toString();
  }

  /**
   * Waits until every gateway serves every region's echo: configs pushed, snapshots received,
   * replicas registered, peers reachable, and no peer ejected.
   *
   * <p>Every gateway's listeners are active (none warming) before any request crosses regions: a
   * request to a peer whose internal listener still waits for its certificate is refused twice,
   * and Envoy's outlier detection then ejects that peer for seconds — after this method has
   * seen it serve (the ejection lands when Envoy's main thread gets to it), so a test starting
   * at once met 503 no-healthy-upstream.
   */
  void awaitServing() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    String last = "no attempt";
    for (Site site : sites.values()) {
      while (!listenersActive(site.envoy)) {
        if (!site.envoy.isAlive()) {
          fail("Envoy of " + site.region + " exited:\n" + site.envoy.log());
        }
        if (Instant.now().isAfter(deadline)) {
          fail("the listeners of " + site.region + "'s gateway are not all active after 60 s");
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    int cleanPasses = 0;
    while (Instant.now().isBefore(deadline)) {
      boolean all = true;
      for (Site entry : sites.values()) {
        if (!entry.envoy.isAlive()) {
          fail("Envoy of " + entry.region + " exited:\n" + entry.envoy.log());
        }
        for (String region : REGIONS) {
          try {
            RawHttp.Response response = entry.get("agt-echo-demo." + region, "/ready");
            if (response.status() != 200 || !servedBy(response).equals(region)) {
              all = false;
              last = entry.region + " → " + region + ": " + response.status() + " " + response.body();
            }
          } catch (java.io.IOException | IllegalStateException e) {
            all = false;
            last = entry.region + " → " + region + ": " + e;
          }
        }
      }
      for (Site entry : sites.values()) {
        long ejected = entry.envoy.statSum("outlier_detection.ejections_active");
        if (ejected > 0) {
          all = false;
          last = entry.region + ": " + ejected + " host(s) ejected by outlier detection";
        }
      }
      // Twice in a row: an ejection caused by a pass's own requests lands when Envoy's main
      // thread gets to it, possibly after that pass read the counters.
      cleanPasses = all ? cleanPasses + 1 : 0;
      if (cleanPasses == 2) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    fail("regions not all serving after 60 s (last: " + last + ")");
  }

  /** Every listener active, none warming; false too while Envoy's admin does not answer yet. */
  private static boolean listenersActive(EnvoyProcess envoy) {
    try {
      return envoy.stat("listener_manager.total_listeners_warming") == 0
          && envoy.stat("listener_manager.total_listeners_active") >= 2;
    } catch (java.io.UncheckedIOException adminNotUpYet) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    for (Site site : sites.values()) {
      if (site.envoy != null) {
        site.envoy.close();
      }
    }
    for (Site site : sites.values()) {
      if (site.authz != null) {
        site.authz.close();
      }
      if (site.registration != null) {
        site.registration.abandon();
      }
      if (site.echo != null) {
        site.echo.close();
      }
    }
    controlPlane.close();
    tracing.forEach(SdkTracerProvider::close);
    if (jaeger != null) {
      jaeger.close();
    }
    jwks.close();
    echoLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
