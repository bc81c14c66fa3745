package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.authzsync.AuthzSnapshotService;
import dev.gantry.controlplane.status.FleetStatusBoard;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.EnvoyStatus;
import dev.gantry.proto.admin.v1.FleetStatus;
import dev.gantry.proto.admin.v1.GetStatusRequest;
import dev.gantry.proto.admin.v1.Rejection;
import dev.gantry.proto.admin.v1.SidecarStatus;
import dev.gantry.proto.admin.v1.StatusServiceGrpc;
import io.grpc.stub.StreamObserver;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.edge.EdgeNames;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.Topology;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.TreeMap;

/** The admin API's status view: every Envoy and sidecar connected here and what each runs. */
public final class StatusAdmin extends StatusServiceGrpc.StatusServiceImplBase {

  private final FleetStore store;
  private final FleetStatusBoard board;
  private final AuthzSnapshotService snapshots;
  private final String controlPlane;
  private final Topology topology;
  private final Supplier<EdgeCertificates> edge;
  private final Clock clock;

  public StatusAdmin(FleetStore store, FleetStatusBoard board, AuthzSnapshotService snapshots, String controlPlane,
      Topology topology, Supplier<EdgeCertificates> edge, Clock clock) {
    this.store = store;
    this.board = board;
    this.snapshots = snapshots;
    this.controlPlane = controlPlane;
    this.topology = topology;
    this.edge = edge;
    this.clock = clock;
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> responses) {
    AdminStatus.answer(responses, () -> {
      FleetStatus.Builder status = FleetStatus.newBuilder()
          .setStateVersion(store.current().version())
          .setControlPlane(controlPlane);
      // Reflected before published: the publisher records what it published first and what that
      // reflects second, so Envoys in sync with the published read here have at least these versions.
      Map<String, Long> reflected = board.reflected();
      Map<String, Map<String, String>> published = board.published();
      published.forEach((region, versions) -> status.putXdsVersions(region, String.join(" ", new TreeMap<>(versions).values())));
      status.putAllXdsStateVersions(reflected);
      for (FleetStatusBoard.Envoy envoy : board.envoys()) {
        Map<String, String> expected = published.getOrDefault(envoy.region(), Map.of());
        EnvoyStatus.Builder entry = EnvoyStatus.newBuilder()
            .setNodeId(envoy.nodeId())
            .setRegion(envoy.region())
            .putAllAcked(new TreeMap<>(envoy.acked()))
            .setInSync(FleetStatusBoard.holds(expected, envoy.acked()));
        envoy.rejections().values().forEach(r ->
            entry.addRejections(Rejection.newBuilder().setType(r.type()).setVersion(r.version()).setReason(r.reason())));
        status.addEnvoys(entry);
      }
      long version = snapshots.currentVersion();
      for (FleetStatusBoard.Sidecar sidecar : board.sidecars()) {
        status.addSidecars(SidecarStatus.newBuilder()
            .setSidecarId(sidecar.sidecarId())
            .setRegion(sidecar.region())
            .setServingVersion(sidecar.servingVersion())
            .setRejectedVersion(sidecar.rejectedVersion())
            .setRejection(sidecar.rejection())
            .setInSync(sidecar.servingVersion() == version));
      }
      // Certificates: the catalog's, then the custom domains' (days left per name, never a key).
      Instant now = clock.instant();
      EdgeCertificates catalog = edge.get();
      catalog.byName().forEach((name, certificate) -> status.addCertificates(FleetCodec.info(name, certificate, now)));
      status.addAllCertificates(FleetCodec.domainCertificates(store.current().routing(), now));
      if (topology.sites().values().stream().anyMatch(site -> site.https() != null)) {
        status.addAllUncoveredNames(EdgeNames.uncovered(topology, catalog.byName().values()));
      }
      return status.build();
    });
  }
}
