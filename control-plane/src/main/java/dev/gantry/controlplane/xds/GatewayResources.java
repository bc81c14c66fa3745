package dev.gantry.controlplane.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * Everything one region's gateways receive over ADS, each list sorted by name. The secrets are
 * the edge certificates with their private keys: they travel only on the gateways' mutual-TLS
 * ADS streams, and never into a log.
 */
public record GatewayResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Secret> secrets) {

  /** Resources without secrets: a gateway without HTTPS. */
  public GatewayResources(
      List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints) {
    this(listeners, routes, clusters, endpoints, List.of());
  }
}
