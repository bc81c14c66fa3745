package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.fail;

import dev.gantry.authz.AuthzServer;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.demo.EchoServer;
import dev.gantry.routing.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One gateway region, whole and real: the echo workload, the control plane, the authz-service
 * (in this JVM, started exactly as their {@code main}s start them) and the real Envoy binary
 * configured by that control plane. Every port is free-chosen, so stacks never collide with
 * each other or with a running {@code ./gantry up}.
 *
 * <p>Workloads: {@code agt-echo-demo} (public, eu-lon-1, the echo), {@code agt-private-demo}
 * (private, eu-lon-1) and {@code agt-far-demo} (public, us-pdx-1 only).
 */
final class GatewayStack implements AutoCloseable {

  static final String REGION = "eu-lon-1";

  final int gatewayPort = FreePorts.next();
  final int authzPort = FreePorts.next();
  final int controlPlanePort = FreePorts.next();
  private final ExecutorService echoExecutor = Executors.newVirtualThreadPerTaskExecutor();
  final EchoServer echo;
  ControlPlane controlPlane;
  AuthzServer authz;
  final EnvoyProcess envoy;
  private final Topology topology;

  GatewayStack() throws Exception {
    Path workDir = Files.createDirectories(Path.of("target", "e2e", "stack-" + gatewayPort));
    echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "agt-echo-demo", REGION, echoExecutor);
    topology = TopologyLoader.load(regionsYaml(), "test regions");
    controlPlane = startControlPlane();
    authz = startAuthz();
    envoy = EnvoyProcess.start(REGION, controlPlanePort, workDir);
    awaitServing();
  }

  ControlPlane startControlPlane() throws Exception {
    String seed = """
        workloads:
          - id: agt-echo-demo
            public: true
            regions: [eu-lon-1]
            replicas:
              - {region: eu-lon-1, address: 127.0.0.1:%d}
          - id: agt-private-demo
            regions: [eu-lon-1]
          - id: agt-far-demo
            public: true
            regions: [us-pdx-1]
        """.formatted(echo.port());
    return ControlPlane.start(new ControlPlane.Config(
        new HostPort("127.0.0.1", controlPlanePort), topology, SeedLoader.load(seed, "test seed", topology)));
  }

  AuthzServer startAuthz() throws Exception {
    return AuthzServer.start(new AuthzServer.Config(
        new InetSocketAddress("127.0.0.1", authzPort),
        new InetSocketAddress("127.0.0.1", controlPlanePort),
        REGION,
        "authz-test-" + REGION));
  }

  private String regionsYaml() {
    return """
        base_domains: [run.localhost]
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: 127.0.0.1:%d}
          - {id: eu-par-1, country: FR, continent: EU, coordinates: [48.86, 2.35],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d}
          - {id: us-pdx-1, country: US, continent: NA, coordinates: [45.52, -122.68],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d}
        groups:
          eu: {continents: [EU]}
          us: {countries: [US]}
        """.formatted(gatewayPort, FreePorts.next(), authzPort,
            FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next());
  }

  /** The host of a workload at this gateway, with its port, as a client would send it. */
  String host(String workloadAndLocation) {
    return workloadAndLocation + ".run.localhost:" + gatewayPort;
  }

  RawHttp.Response get(String host, String path) throws Exception {
    return RawHttp.get(gatewayPort, host, path);
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
        RawHttp.Response response = get(host("agt-echo-demo." + REGION), "/ready");
        if (response.status() == 200) {
          return;
        }
        last = response.status() + " " + response.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    fail("gateway not serving after 30 s (last: " + last + ")\nEnvoy log:\n" + envoy.log());
  }

  @Override
  public void close() throws Exception {
    envoy.close();
    if (authz != null) {
      authz.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    echo.close();
    echoExecutor.shutdownNow();
  }
}
