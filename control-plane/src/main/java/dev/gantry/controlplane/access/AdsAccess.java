package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PeerIdentity;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ForwardingServerCallListener;
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
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        if (closed) {
          return;
        }
        Node node = message instanceof DiscoveryRequest request ? request.getNode()
            : message instanceof DeltaDiscoveryRequest delta ? delta.getNode() : null;
        String region = node == null ? null : node.getLocality().getRegion();
        if (!identity.region().equals(region)) {
          closed = true;
          call.close(Status.PERMISSION_DENIED.withDescription("node '" + (node == null ? "?" : node.getId())
              + "' asks as region '" + region + "' but its certificate is " + identity), new Metadata());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!closed) {
          super.onHalfClose();
        }
      }
    };
  }
}
