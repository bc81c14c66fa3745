package dev.gantry.controlplane.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Collection;

/** {@link GatewayResources} with each resource's content hash, in any order: what a snapshot is made of. */
record HashedGatewayResources(
    Collection<HashedResource<Listener>> listeners,
    Collection<HashedResource<RouteConfiguration>> routes,
    Collection<HashedResource<Cluster>> clusters,
    Collection<HashedResource<ClusterLoadAssignment>> endpoints,
    Collection<HashedResource<Secret>> secrets) {

  /** Every resource of {@code resources} hashed. */
  static HashedGatewayResources of(GatewayResources resources) {
    return new HashedGatewayResources(
        resources.listeners().stream().map(HashedResource::of).toList(),
        resources.routes().stream().map(HashedResource::of).toList(),
        resources.clusters().stream().map(HashedResource::of).toList(),
        resources.endpoints().stream().map(HashedResource::of).toList(),
        resources.secrets().stream().map(HashedResource::of).toList());
  }

}
