package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import dev.gantry.proto.snapshot.v1.SidecarReport;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import io.grpc.ServerInterceptor;

/**
 * Who may watch the authorization snapshot (every workspace's issuers, key ids and hashes) and
 * report on it: only an authz sidecar, and only as the region its certificate names.
 */
public final class SnapshotAccess {

  private SnapshotAccess() {}

  /** The interceptor for the snapshot service. */
  public static ServerInterceptor interceptor() {
    return new RegionBound(Identity.Role.AUTHZ,
        "the snapshot stream is for authz sidecars (expected a client certificate of spiffe://gantry/authz/<region>",
        message -> message instanceof WatchRequest watch ? watch.getRegion()
            : message instanceof SidecarReport report ? report.getRegion()
            : message instanceof dev.gantry.proto.snapshot.v1.UsageReport usage ? usage.getRegion() : null,
        message -> "sidecar");
  }
}
