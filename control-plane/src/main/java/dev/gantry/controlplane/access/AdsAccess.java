package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ServerInterceptor;

/**
 * Who may ask for xDS: only a gateway, and only for its own region. Every request names its
 * node (the bootstrap sends it with every message); a node claiming a region its certificate
 * does not name ends the stream {@code PERMISSION_DENIED} before the request reaches the cache,
 * so it learns nothing of that region.
 */
public final class AdsAccess {

  private AdsAccess() {}

  /** The interceptor for the aggregated discovery service. */
  public static ServerInterceptor interceptor() {
    return new RegionBound(Identity.Role.GATEWAY,
        "xDS is for gateways (expected a client certificate of spiffe://gantry/gateway/<region>",
        message -> {
          Node node = node(message);
          return node == null ? null : node.getLocality().getRegion();
        },
        message -> "node '" + (node(message) == null ? "?" : node(message).getId()) + "'");
  }

  private static Node node(Object message) {
    return message instanceof DiscoveryRequest request ? request.getNode()
        : message instanceof DeltaDiscoveryRequest delta ? delta.getNode() : null;
  }
}
