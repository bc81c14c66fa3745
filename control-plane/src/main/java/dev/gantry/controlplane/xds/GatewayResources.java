package dev.gantry.controlplane.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/**
 * Everything one region's gateways receive over ADS, each list sorted by name.
 */
public record GatewayResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints) {}
