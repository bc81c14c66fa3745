package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PeerIdentity;
import dev.gantry.proto.snapshot.v1.SidecarReport;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Who may watch the authorization snapshot (every workspace's issuers, key ids and hashes) and
 * report on it: only an authz sidecar, and only as the region its certificate names.
 */
public final class SnapshotAccess implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Identity identity = PeerIdentity.current();
    if (identity == null || identity.role() != Identity.Role.AUTHZ) {
      return Refuse.call(call, Status.PERMISSION_DENIED.withDescription(
          "the snapshot stream is for authz sidecars (expected a client certificate of spiffe://gantry/authz/<region>; this is "
              + (identity == null ? "no identity" : identity) + ")"));
    }
    return new RegionBound<>(next.startCall(call, headers), call, identity,
        message -> message instanceof WatchRequest watch ? watch.getRegion()
            : message instanceof SidecarReport report ? report.getRegion() : null,
        message -> "sidecar");
  }
}
