package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates the control plane's model into the Envoy resources of one region's gateways. A
 * pure function: the same topology and state always give the same resources in the same order.
 */
public final class XdsTranslator {

  private final Topology topology;

  public XdsTranslator(Topology topology) {
    this.topology = topology;
  }

  /** The resources for the gateways of {@code region}. */
  public GatewayResources translate(FleetState state, String region) {
    GatewaySite site = topology.sites().get(region);
    if (site == null) {
      throw new IllegalArgumentException("region '" + region + "' is not in the catalog");
    }
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    clusters.add(GatewayClusters.authz(site));
    Map<WorkloadId, List<Replica>> replicasHere =
        state.replicas().stream()
            .filter(r -> r.region().equals(region))
            .collect(Collectors.groupingBy(Replica::workload));
    for (Workload workload : state.sortedWorkloads()) {
      if (!workload.regions().contains(region)) {
        continue;
      }
      String name = ClusterNames.workload(workload.id(), region);
      List<Replica> replicas = replicasHere.getOrDefault(workload.id(), List.of());
      clusters.add(GatewayClusters.workload(name, workload));
      endpoints.add(GatewayClusters.endpoints(name, region, replicas));
    }
    clusters.sort(Comparator.comparing(Cluster::getName));
    endpoints.sort(Comparator.comparing(ClusterLoadAssignment::getClusterName));
    return new GatewayResources(
        List.of(GatewayListener.of(site)),
        List.of(GatewayRoutes.of(topology.baseDomains())),
        List.copyOf(clusters),
        List.copyOf(endpoints));
  }
}
