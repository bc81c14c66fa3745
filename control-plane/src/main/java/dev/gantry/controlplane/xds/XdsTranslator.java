package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Preview;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.TargetRegions;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Translates the control plane's model into the Envoy resources of one region's gateways. A
 * pure function: the same topology and state always give the same resources in the same order.
 */
public final class XdsTranslator {

  private final Topology topology;
  /** The trace collector's cluster, the same for every region and push; null without tracing. */
  private final Cluster traceCollector;
  /** What depends on a region's gateway site only, built once: every push reuses it. */
  private final Map<String, SiteResources> sites = new HashMap<>();
  private final List<RouteConfiguration> routes;
  /** Target sets in order of distance from a region, sorted once (regions translate side by side). */
  private final BoundedMemo<Order, List<String>> orders = new BoundedMemo<>(ORDERS_KEPT, this::sorted);
  private static final int ORDERS_KEPT = 10_000;

  private record Order(String region, SortedSet<String> targets) {}

  /**
   * A gateway site's resources that no write changes: its plaintext (or redirect) and internal
   * listeners, and the public connection manager every HTTPS filter chain carries.
   */
  private record SiteResources(List<Listener> listeners, Filter publicConnectionManager) {}

  public XdsTranslator(Topology topology) {
    this(topology, null);
  }

  /** A translator whose gateways trace requests as {@code tracing} says (none when null). */
  public XdsTranslator(Topology topology, GatewayTracing tracing) {
    this.topology = topology;
    this.traceCollector = tracing == null ? null : tracing.cluster();
    for (GatewaySite site : topology.sites().values()) {
      Filter publicConnectionManager = GatewayListener.publicConnectionManager(site, tracing);
      List<Listener> listeners = new ArrayList<>();
      if (site.gateway() != null) {
        listeners.add(site.plaintext() == GatewaySite.Plaintext.REDIRECT
            ? GatewayListener.redirectListener(site)
            : GatewayListener.publicListener(site, publicConnectionManager));
      }
      listeners.add(GatewayListener.internalListener(site, tracing));
      sites.put(site.region(), new SiteResources(List.copyOf(listeners), publicConnectionManager));
    }
    this.routes = List.of(GatewayRoutes.publicRoutes(topology.baseDomains(), topology.legacyHosts()),
        GatewayRoutes.internalRoutes(topology.baseDomains(), topology.legacyHosts()));
  }

  /** The resources for the gateways of {@code region}, without edge certificates. */
  public GatewayResources translate(FleetState state, String region) {
    return translate(state, EdgeCertificates.NONE, region);
  }

  /** The resources for the gateways of {@code region}, serving {@code edge} over HTTPS. */
  public GatewayResources translate(FleetState state, EdgeCertificates edge, String region) {
    GatewayResources fixed = fixed(state, edge, region);
    List<Cluster> clusters = new ArrayList<>(fixed.clusters());
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    Map<WorkloadId, Map<String, List<HostPort>>> replicas = replicasByWorkload(state);
    for (Workload workload : state.sortedWorkloads()) {
      List<SortedSet<String>> targetSets = targetSets(workload, allowedRegions(state, workload));
      clusters.addAll(clusters(workload, targetSets));
      endpoints.addAll(endpoints(region, workload, targetSets, replicas.getOrDefault(workload.id(), Map.of())));
    }
    clusters.sort(Comparator.comparing(Cluster::getName));
    endpoints.sort(Comparator.comparing(ClusterLoadAssignment::getClusterName));
    return new GatewayResources(fixed.listeners(), fixed.routes(), List.copyOf(clusters), List.copyOf(endpoints), fixed.secrets());
  }

  /**
   * What {@code region}'s gateways receive that no workload decides: the listeners (the HTTPS
   * one with {@code edge}'s certificates and the state's custom domains), the routes, the
   * sidecar's and the trace collector's clusters, the edge certificates; no endpoints.
   */
  GatewayResources fixed(FleetState state, EdgeCertificates edge, String region) {
    GatewaySite site = site(region);
    List<Cluster> clusters = new ArrayList<>();
    clusters.add(GatewayClusters.authz(site));
    if (traceCollector != null) {
      clusters.add(traceCollector);
    }
    SiteResources fixed = sites.get(region);
    List<Listener> listeners = new ArrayList<>(fixed.listeners());
    GatewayEdge.Resources https = GatewayEdge.of(site, edge, state.routing(), fixed.publicConnectionManager());
    if (https != null) {
      listeners.add(https.listener());
    }
    listeners.sort(Comparator.comparing(Listener::getName));
    return new GatewayResources(List.copyOf(listeners), routes, List.copyOf(clusters), List.of(),
        https == null ? List.of() : https.secrets());
  }

  /**
   * Every target region set a hostname of {@code workload} can produce, given the regions its
   * policies allow: one cluster each.
   */
  List<SortedSet<String>> targetSets(Workload workload, SortedSet<String> allowed) {
    return TargetRegions.everySet(topology.catalog(), workload.regions(), allowed);
  }

  /**
   * The clusters of {@code workload}, one per target set: the same at every region's gateways
   * (their endpoints are not).
   */
  List<Cluster> clusters(Workload workload, List<SortedSet<String>> targetSets) {
    List<Cluster> clusters = new ArrayList<>();
    for (SortedSet<String> targets : targetSets) {
      clusters.add(GatewayClusters.workload(ClusterNames.workload(workload.id(), targets), workload));
      for (Preview preview : workload.previews()) {
        clusters.add(GatewayClusters.preview(ClusterNames.preview(workload.id(), preview.port(), targets), workload));
      }
    }
    return List.copyOf(clusters);
  }

  /** The endpoints of {@code workload}'s clusters at {@code region}'s gateways, nearest first. */
  List<ClusterLoadAssignment> endpoints(
      String region, Workload workload, List<SortedSet<String>> targetSets, Map<String, List<HostPort>> replicasByRegion) {
    site(region);
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (SortedSet<String> targets : targetSets) {
      endpoints.add(GatewayClusters.endpoints(ClusterNames.workload(workload.id(), targets), tiers(region, targets, replicasByRegion)));
      for (Preview preview : workload.previews()) {
        endpoints.add(GatewayClusters.endpoints(ClusterNames.preview(workload.id(), preview.port(), targets),
            tiers(region, targets, onPort(replicasByRegion, preview.port()))));
      }
    }
    return List.copyOf(endpoints);
  }

  /** The replicas' addresses with another port: where a sandbox's preview port is served. */
  private static Map<String, List<HostPort>> onPort(Map<String, List<HostPort>> replicasByRegion, int port) {
    Map<String, List<HostPort>> moved = new HashMap<>();
    replicasByRegion.forEach((region, replicas) ->
        moved.put(region, replicas.stream().map(r -> new HostPort(r.host(), port)).distinct().toList()));
    return moved;
  }

  /** The regions whose gateways may serve {@code workload}, by its workspace's and its own policies. */
  SortedSet<String> allowedRegions(FleetState state, Workload workload) {
    return state.allowedRegions(topology.catalog(), workload);
  }

  /** The replicas' addresses of {@code state}, by workload and region, in the state's order. */
  static Map<WorkloadId, Map<String, List<HostPort>>> replicasByWorkload(FleetState state) {
    Map<WorkloadId, Map<String, List<HostPort>>> replicas = new HashMap<>();
    for (Replica replica : state.replicas()) {
      replicas.computeIfAbsent(replica.workload(), id -> new HashMap<>())
          .computeIfAbsent(replica.region(), r -> new ArrayList<>())
          .add(replica.address());
    }
    return replicas;
  }

  /**
   * {@code targets} nearest {@code region} first: sorted once per region and target set (every
   * workload's clusters name one of a few sets), up to {@link #ORDERS_KEPT} of them.
   */
  private List<String> nearestFirst(String region, SortedSet<String> targets) {
    return orders.get(new Order(region, targets));
  }

  private List<String> sorted(Order order) {
    return List.copyOf(topology.catalog().nearestFirst(order.region(), order.targets()));
  }

  private GatewaySite site(String region) {
    GatewaySite site = topology.sites().get(region);
    if (site == null) {
      throw new IllegalArgumentException("region '" + region + "' is not in the catalog");
    }
    return site;
  }

  /**
   * The priorities of a target set's cluster at {@code region}'s gateway, nearest first: the
   * local replicas, then each other region's gateway, healthy while that region has replicas.
   */
  private List<GatewayClusters.Tier> tiers(
      String region, SortedSet<String> targets, Map<String, List<HostPort>> replicasByRegion) {
    List<GatewayClusters.Tier> tiers = new ArrayList<>(targets.size());
    for (String target : nearestFirst(region, targets)) {
      List<HostPort> replicas = replicasByRegion.getOrDefault(target, List.of());
      if (target.equals(region)) {
        tiers.add(new GatewayClusters.Tier(target, replicas, true, false));
      } else {
        tiers.add(new GatewayClusters.Tier(target, List.of(topology.sites().get(target).internal()), !replicas.isEmpty(), true));
      }
    }
    return tiers;
  }
}
