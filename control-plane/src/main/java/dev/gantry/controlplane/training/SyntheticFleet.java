package dev.gantry.controlplane.training;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A fleet made up for measuring and training the control plane at scale: many workloads spread
 * over the catalog's regions, and the two writes a fleet sees most. Pure.
 */
public final class SyntheticFleet {

  private SyntheticFleet() {}

  /**
   * {@code count} workloads, each public or private in turn, with one replica in one region,
   * the regions in turn.
   */
  public static FleetState spread(int count, List<String> regions) {
    Map<WorkloadId, Workload> all = new HashMap<>();
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WorkloadId id = WorkloadId.parse("agt-w" + i + "-bench");
      String region = regions.get(i % regions.size());
      all.put(id, new Workload(id, i % 2 == 0, new TreeSet<>(List.of(region))));
      replicas.add(new Replica(id, region, new HostPort("10.0." + (i / 250 % 250) + "." + (i % 250), 8080)));
    }
    return FleetState.empty().withWorkloads(all, replicas);
  }

  /**
   * Write number {@code n} of a series applied to {@code state}: a workload created in every
   * region (as the admin API's create does) and a replica of it registered in the first region
   * (as the registrars' AddReplica does), taking turns.
   */
  public static FleetState write(FleetState state, int n, List<String> regions) {
    WorkloadId id = WorkloadId.parse("agt-write" + (n / 2) + "-bench");
    if (isReplica(n)) {
      return state.withReplica(new Replica(id, regions.get(0), new HostPort("10.9." + (n / 250 % 250) + "." + (n % 250), 8080)));
    }
    return state.withWorkload(new Workload(id, true, new TreeSet<>(regions)));
  }

  /** Whether write number {@code n} registers a replica (otherwise it creates a workload). */
  public static boolean isReplica(int n) {
    return n % 2 == 1;
  }
}
