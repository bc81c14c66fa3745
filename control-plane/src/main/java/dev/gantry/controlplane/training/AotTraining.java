package dev.gantry.controlplane.training;

import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.routing.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The control plane's training run: it starts on a synthetic fleet, waits for every region's
 * snapshot, applies writes and stops, so that a JVM started with
 * {@code -XX:AOTCacheOutput=gantry-control-plane.aot} records the classes it loaded and the
 * methods' profiles. A control plane started later with {@code -XX:AOTCache=} that file starts
 * with them loaded and profiled (the build makes the file on JDK 25 and later; {@code ./gantry up}
 * uses it).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Runs the control plane on a synthetic fleet (start, every region's snapshot, writes) on a loopback"
        + " port of its own, then stops: the run the build records the JVM's AOT cache from.")
public final class AotTraining implements Callable<Integer> {

  @Option(names = "--workloads", defaultValue = "20000", description = "workloads in the synthetic fleet (default: ${DEFAULT-VALUE})")
  int workloads;

  @Option(names = "--writes", defaultValue = "200", description = "writes applied once it is published (default: ${DEFAULT-VALUE})")
  int writes;

  @Override
  public Integer call() throws Exception {
    Topology topology;
    try (InputStream in = TopologyLoader.class.getResourceAsStream("/defaults/regions.yaml")) {
      topology = TopologyLoader.load(new String(in.readAllBytes(), StandardCharsets.UTF_8), "defaults/regions.yaml");
    }
    List<String> regions = List.copyOf(topology.catalog().regions().keySet());
    FleetState state = SyntheticFleet.spread(workloads, regions);
    ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", freePort()), topology, state));
    try {
      Reflections reflections = new Reflections(controlPlane.status());
      Duration limit = Duration.ofMinutes(3);
      reflections.await(topology.catalog().regions().keySet(), controlPlane.store().current().version(), limit);
      for (int n = 0; n < writes; n++) {
        int write = n;
        FleetState next = controlPlane.store().update(s -> SyntheticFleet.write(s, write, regions));
        reflections.await(topology.catalog().regions().keySet(), next.version(), limit);
      }
    } finally {
      controlPlane.close();
    }
    System.out.printf("trained: %,d workloads in %d regions, %d writes%n", workloads, regions.size(), writes);
    return 0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
