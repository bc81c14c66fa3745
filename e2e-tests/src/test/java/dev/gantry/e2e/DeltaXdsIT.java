package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.AuthzServer;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.demo.EchoServer;
import dev.gantry.routing.HostPort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Delta xDS with the real Envoy ({@code api_type: DELTA_GRPC}): a control plane that restarts
 * without a workload the Envoy still holds must name it in {@code removed_resources} when the
 * Envoy reconnects with its {@code initial_resource_versions} — java-control-plane alone does
 * not, and the resource would linger (docs/architecture.md, "Envoy and library behaviour we rely on");
 * and one that reconnects to the config it holds is counted as holding it, though nothing is sent.
 */
class DeltaXdsIT {

  private final int controlPlanePort = FreePorts.next();
  private final int gatewayPort = FreePorts.next();
  private final int authzPort = FreePorts.next();

  private final Path workDir = Path.of("target", "e2e", "delta-" + gatewayPort);

  private ControlPlane controlPlane(Topology topology, String seed) throws Exception {
    return ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", controlPlanePort), topology,
        SeedLoader.load(seed, "test seed", topology), null, TestPki.in(workDir).controlPlane()));
  }

  private int status(String workload) {
    try {
      return RawHttp.get(gatewayPort, workload + ".run.localhost:" + gatewayPort, "/").status();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier done, EnvoyProcess envoy) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        String log = envoy.log();
        throw new AssertionError("not within 30 s: " + what + "\n" + log.substring(Math.max(0, log.length() - 3000)));
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static Set<String> workloadClusters(EnvoyProcess envoy) {
    return envoy.admin("/clusters").lines()
        .map(line -> line.substring(0, Math.max(0, line.indexOf("::"))))
        .filter(name -> name.contains("@"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void reconnectingEnvoy_dropsWhatVanishedWhileItWasAway_andKeepsServingTheRest() throws Exception {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EchoServer echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "echo", "eu-lon-1", loop);
    Topology topology = TopologyLoader.load("""
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: 127.0.0.1:%d}
        """.formatted(gatewayPort, FreePorts.next(), authzPort), "test regions");
    String stays = "  - {id: agt-stays-demo, public: true, replicas: [{region: eu-lon-1, address: 127.0.0.1:%d}]}\n"
        .formatted(echo.port());
    String goes = "  - {id: agt-goes-demo, public: true, replicas: [{region: eu-lon-1, address: 127.0.0.1:%d}]}\n"
        .formatted(echo.port());
    ControlPlane controlPlane = controlPlane(topology, "workloads:\n" + stays + goes);
    // This one reaches its sidecar over loopback TCP, the catalog's other choice.
    AuthzServer authz = AuthzServer.start(new AuthzServer.Config(
        new dev.gantry.routing.SidecarAddress.Tcp(new HostPort("127.0.0.1", authzPort)),
        new InetSocketAddress("127.0.0.1", controlPlanePort), "eu-lon-1", "authz-delta", AuthzServer.JwksSettings.DEFAULT,
        TestPki.in(workDir).authz("eu-lon-1")));
    EnvoyProcess envoy = EnvoyProcess.startDelta("eu-lon-1", controlPlanePort, Files.createDirectories(workDir));
    try {
      await("both workloads served over delta xDS", () -> status("agt-stays-demo") == 200 && status("agt-goes-demo") == 200, envoy);
      // A delta ACK names no version: the control plane knows what the Envoy holds from the
      // responses it ACKed, as `gantry status` and the write-to-ACK metric need.
      ControlPlane first = controlPlane;
      await("the delta Envoy counted as holding its region's config",
          () -> first.status().regionsAllHolding().contains("eu-lon-1"), envoy);

      controlPlane.close();
      controlPlane = controlPlane(topology, "workloads:\n" + stays);

      await("agt-goes-demo's cluster leaves the Envoy after it reconnects",
          () -> !workloadClusters(envoy).contains("agt-goes-demo@eu-lon-1"), envoy);
      assertThat(workloadClusters(envoy)).containsExactly("agt-stays-demo@eu-lon-1");
      assertThat(status("agt-stays-demo")).isEqualTo(200);

      ControlPlane second = controlPlane;
      await("the delta Envoy counted as holding the second control plane's config",
          () -> second.status().regionsAllHolding().contains("eu-lon-1"), envoy);
      // Back to a control plane with the config the Envoy holds: its clusters and listeners
      // (wildcard subscriptions) are sent nothing, so no ACK names their version, and yet the
      // Envoy holds its region's config and is counted so.
      controlPlane.close();
      controlPlane = controlPlane(topology, "workloads:\n" + stays);
      ControlPlane third = controlPlane;
      await("the delta Envoy, reconnected to the config it holds, counted as holding it",
          () -> third.status().regionsAllHolding().contains("eu-lon-1"), envoy);
      assertThat(workloadClusters(envoy)).containsExactly("agt-stays-demo@eu-lon-1");
    } finally {
      envoy.close();
      authz.close();
      controlPlane.close();
      echo.close();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
