package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PeerIdentity;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Who may ask for xDS: only a gateway, and only for its own region. Every request names its
 * node (the bootstrap sends it with every message); a node claiming a region its certificate
 * does not name ends the stream {@code PERMISSION_DENIED} before the request reaches the cache,
 * so it learns nothing of that region.
 */
public final class AdsAccess implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Identity identity = PeerIdentity.current();
    if (identity == null || identity.role() != Identity.Role.GATEWAY) {
      return Refuse.call(call, Status.PERMISSION_DENIED.withDescription(
          "xDS is for gateways (expected a client certificate of spiffe://gantry/gateway/<region>; this is "
              + (identity == null ? "no identity" : identity) + ")"));
    }
    return new RegionBound<>(next.startCall(call, headers), call, identity, message -> {
      Node node = node(message);
      return node == null ? null : node.getLocality().getRegion();
    }, message -> "node '" + (node(message) == null ? "?" : node(message).getId()) + "'");
  }

  private static Node node(Object message) {
    return message instanceof DiscoveryRequest request ? request.getNode()
        : message instanceof DeltaDiscoveryRequest delta ? delta.getNode() : null;
  }
}
