package dev.gantry.controlplane.training;

import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.routing.HostPort;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

  @Spec CommandSpec spec;

  @Option(names = "--workloads", defaultValue = "20000", description = "workloads in the synthetic fleet (default: ${DEFAULT-VALUE})")
  int workloads;

  @Option(names = "--writes", defaultValue = "200", description = "writes applied once it is published (default: ${DEFAULT-VALUE})")
  int writes;

  @Override
  public Integer call() throws Exception {
    Topology topology = TopologyLoader.embedded();
    Set<String> regions = topology.catalog().regions().keySet();
    List<String> inOrder = List.copyOf(regions);
    FleetState state = SyntheticFleet.spread(workloads, inOrder);
    // Port 0: any free loopback port (no client connects; the training is the control plane's own work).
    ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", 0), topology, state));
    try {
      RegionWait wait = new RegionWait(controlPlane.status());
      wait.await(regions, controlPlane.store().current().version(), RegionWait.LIMIT);
      for (int n = 0; n < writes; n++) {
        int write = n;
        FleetState next = controlPlane.store().update(s -> SyntheticFleet.write(s, write, inOrder));
        wait.await(regions, next.version(), RegionWait.LIMIT);
      }
    } finally {
      controlPlane.close();
    }
    spec.commandLine().getOut().printf("trained: %,d workloads in %d regions, %d writes%n", workloads, regions.size(), writes);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
