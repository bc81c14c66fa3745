package dev.gantry.controlplane.authzsync;

import dev.gantry.routing.LocationPolicy;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.proto.snapshot.v1.Catalog;
import dev.gantry.proto.snapshot.v1.Region;
import dev.gantry.proto.snapshot.v1.RegionGroup;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.routing.WorkloadId;
import java.util.Map;

/**
 * Builds the snapshot stream's messages from fleet states: a complete update, or the difference
 * between two states. Pure.
 */
final class SnapshotMessages {

  private SnapshotMessages() {}

  /** Everything a sidecar needs, replacing whatever it held. */
  static SnapshotUpdate full(Topology topology, FleetState state) {
    SnapshotUpdate.Builder update =
        SnapshotUpdate.newBuilder().setVersion(state.version()).setFull(true).setCatalog(catalog(topology));
    state.sortedWorkloads().forEach(w -> update.addUpsertedWorkloads(workload(topology, state, w)));
    routing(update, state.routing());
    state.workspaces().values().stream().sorted(java.util.Comparator.comparing(Workspace::id))
        .forEach(w -> update.addUpsertedWorkspaces(workspace(w)));
    return update.build();
  }

  /** What changed from {@code before} to {@code after}; applies on top of {@code before}. */
  static SnapshotUpdate diff(Topology topology, FleetState before, FleetState after) {
    SnapshotUpdate.Builder update =
        SnapshotUpdate.newBuilder().setVersion(after.version()).setBaseVersion(before.version());
    for (Workload w : after.sortedWorkloads()) {
      Workload old = before.workloads().get(w.id());
      boolean samePolicies = w.equals(old)
          && before.workspacePolicy(w.id().workspace()).equals(after.workspacePolicy(w.id().workspace()));
      if (!samePolicies) {
        update.addUpsertedWorkloads(workload(topology, after, w));
      }
    }
    for (Map.Entry<WorkloadId, Workload> old : before.workloads().entrySet()) {
      if (!after.workloads().containsKey(old.getKey())) {
        update.addRemovedWorkloads(old.getKey().toString());
      }
    }
    after.workspaces().values().stream()
        .filter(w -> !w.equals(before.workspaces().get(w.id())))
        .sorted(java.util.Comparator.comparing(Workspace::id))
        .forEach(w -> update.addUpsertedWorkspaces(workspace(w)));
    before.workspaces().keySet().stream().filter(id -> !after.workspaces().containsKey(id)).sorted()
        .forEach(update::addRemovedWorkspaces);
    if (!before.routing().equals(after.routing())) {
      routing(update, after.routing());
    }
    return update.build();
  }

  private static dev.gantry.proto.snapshot.v1.Workspace workspace(Workspace w) {
    dev.gantry.proto.snapshot.v1.Workspace.Builder workspace = dev.gantry.proto.snapshot.v1.Workspace.newBuilder().setId(w.id());
    w.jwtIssuers().forEach(i -> workspace.addJwtIssuers(dev.gantry.proto.snapshot.v1.JwtIssuer.newBuilder()
        .setIssuer(i.issuer()).setJwksUri(i.jwksUri().toString()).addAllAudiences(i.audiences())));
    w.apiKeys().forEach(k -> workspace.addApiKeys(dev.gantry.proto.snapshot.v1.ApiKey.newBuilder()
        .setId(k.id())
        .setSecretSha256(com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex(k.secretSha256())))
        .addAllScopes(new java.util.TreeSet<>(k.scopes()))
        .setName(k.name() == null ? "" : k.name())
        .setExpiresAtEpochSeconds(k.expiresAt() == null ? 0 : k.expiresAt().getEpochSecond())
        .setRevoked(k.revoked())));
    w.signingKeys().forEach(k -> workspace.addSigningKeys(dev.gantry.proto.snapshot.v1.SigningKey.newBuilder()
        .setKeyId(k.keyId()).setJwk(k.jwk()).addAllScopes(new java.util.TreeSet<>(k.scopes()))));
    return workspace.build();
  }

  /** A workload with the regions its policies allow, resolved here so every sidecar agrees. */
  private static dev.gantry.proto.snapshot.v1.Workload workload(Topology topology, FleetState state, Workload w) {
    LocationPolicy workspacePolicy = state.workspacePolicy(w.id().workspace());
    String policy = workspacePolicy.isUnrestricted() && w.policy().isUnrestricted()
        ? "any region"
        : "workspace '" + w.id().workspace() + "': " + workspacePolicy + "; workload: " + w.policy();
    return dev.gantry.proto.snapshot.v1.Workload.newBuilder()
        .setId(w.id().toString())
        .setPublic(w.isPublic())
        .addAllRegions(w.regions())
        .addAllAllowedRegions(state.allowedRegions(topology.catalog(), w))
        .setPolicy(policy)
        .setForwardCredential(w.forwardCredential())
        .build();
  }

  /** Every alias and custom domain, replacing those the sidecar holds. */
  private static void routing(SnapshotUpdate.Builder update, Routing routing) {
    update.setRoutingChanged(true);
    routing.aliases().entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Object::toString)))
        .forEach(e -> update.addAliases(dev.gantry.proto.snapshot.v1.Alias.newBuilder()
            .setAlias(e.getKey().toString()).setWorkload(e.getValue().toString())));
    routing.customDomains().values().stream().sorted(java.util.Comparator.comparing(Routing.CustomDomain::domain))
        .forEach(d -> update.addCustomDomains(dev.gantry.proto.snapshot.v1.CustomDomain.newBuilder()
            .setDomain(d.domain()).setWorkload(d.workload().toString())
            .setLocation(d.location() == null ? "" : d.location())));
  }

  /** A hash of the catalog a sidecar receives: a changed catalog starts a new lineage. */
  static String catalogHash(Topology topology) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(catalog(topology).toByteArray());
      return java.util.HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Catalog catalog(Topology topology) {
    Catalog.Builder catalog = Catalog.newBuilder().addAllBaseDomains(topology.baseDomains())
        .addAllLegacyHosts(topology.legacyHosts());
    topology.catalog().regions().values().forEach(r ->
        catalog.addRegions(Region.newBuilder()
            .setId(r.id())
            .setCountry(r.country())
            .setContinent(r.continent())
            .setLatitude(r.latitude())
            .setLongitude(r.longitude())));
    topology.catalog().groups().forEach((name, members) ->
        catalog.addGroups(RegionGroup.newBuilder().setName(name).addAllRegions(members)));
    return catalog.build();
  }
}
