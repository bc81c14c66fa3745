package dev.gantry.controlplane.authzsync;

import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.fleet.FleetEntities;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.proto.fleet.v1.EntityKey;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.routing.LocationPolicy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Builds the snapshot stream's messages from fleet states: the fleet entities a sidecar needs
 * (every kind but replicas) and, derived on top, each workload's {@link Placement}. A complete
 * update, or the difference between two states. Pure.
 */
final class SnapshotMessages {

  /**
   * What sidecars hold: every kind of entity but replicas (Envoy routes to those) and custom
   * domains' certificates (their private keys go to the gateways' Envoys only).
   */
  static final Set<String> SIDECAR_KINDS = Set.copyOf(FleetEntities.kinds().stream()
      .filter(kind -> !kind.equals("replica") && !kind.equals(FleetEntities.DOMAIN_CERTIFICATE)).toList());

  private SnapshotMessages() {}

  /** Everything a sidecar needs, replacing whatever it held. */
  static SnapshotUpdate full(Topology topology, FleetState state) {
    SnapshotUpdate.Builder update = SnapshotUpdate.newBuilder()
        .setVersion(state.version()).setFull(true).setCatalog(FleetCodec.catalog(topology));
    FleetEntities.all(state).forEach((key, entity) -> {
      if (SIDECAR_KINDS.contains(key.kind())) {
        update.addUpserted(entity);
      }
    });
    state.sortedWorkloads().forEach(w -> update.addPlacements(placement(topology, state, w)));
    return update.build();
  }

  /** What changed from {@code before} to {@code after}; applies on top of {@code before}. */
  static SnapshotUpdate diff(Topology topology, FleetState before, FleetState after) {
    SnapshotUpdate.Builder update =
        SnapshotUpdate.newBuilder().setVersion(after.version()).setBaseVersion(before.version());
    FleetEntities.Diff diff = FleetEntities.diff(before, after, SIDECAR_KINDS);
    update.addAllUpserted(diff.upserted());
    diff.removed().forEach(k -> update.addRemoved(EntityKey.newBuilder().setKind(k.kind()).setId(k.id())));
    // A workload's placement moves when it changes, or when its workspace's policy does; found by
    // identity first (a state shares the workloads a write did not touch), sent sorted by id.
    after.workloadsSince(before).changed().stream()
        .map(w -> Map.entry(w.id().toString(), w))
        .sorted(Map.Entry.comparingByKey())
        .forEach(w -> update.addPlacements(placement(topology, after, w.getValue())));
    return update.build();
  }

  /** Where a workload may be served, resolved here so every sidecar agrees. */
  private static Placement placement(Topology topology, FleetState state, Workload w) {
    LocationPolicy workspacePolicy = state.workspacePolicy(w.id().workspace());
    String policy = workspacePolicy.isUnrestricted() && w.policy().isUnrestricted()
        ? "any region"
        : "workspace '" + w.id().workspace() + "': " + workspacePolicy + "; workload: " + w.policy();
    return Placement.newBuilder()
        .setWorkload(w.id().toString())
        .addAllAllowedRegions(state.allowedRegions(topology.catalog(), w))
        .setPolicy(policy)
        .build();
  }

  /** A hash of the catalog a sidecar receives: a changed catalog starts a new lineage. */
  static String catalogHash(Topology topology) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(FleetCodec.catalog(topology).toByteArray());
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
