package dev.gantry.authz.snapshot;

import dev.gantry.authz.engine.ApiKeyEntry;
import dev.gantry.authz.engine.SigningKeyEntry;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.engine.AuthzSnapshot;
import dev.gantry.authz.engine.Names;
import dev.gantry.authz.engine.IssuerEntry;
import dev.gantry.authz.engine.WorkspaceEntry;
import dev.gantry.proto.snapshot.v1.JwtIssuer;
import dev.gantry.proto.snapshot.v1.Workspace;
import java.net.URI;
import dev.gantry.authz.engine.WorkloadEntry;
import dev.gantry.proto.snapshot.v1.Catalog;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.Workload;
import dev.gantry.routing.Region;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link SnapshotUpdate} from the control plane to the snapshot held, producing the
 * next snapshot or refusing the update with a reason. Pure: the caller decides what to swap.
 */
public final class SnapshotUpdates {

  /** An update that cannot be applied; the snapshot held stays. */
  public static final class RejectedUpdateException extends Exception {
    public RejectedUpdateException(String message) {
      super(message);
    }
  }

  private SnapshotUpdates() {}

  /**
   * The snapshot after {@code update}.
   *
   * @param held the snapshot held now, or null
   * @throws RejectedUpdateException when the update does not follow {@code held} or its
   *     content is invalid
   */
  public static AuthzSnapshot apply(AuthzSnapshot held, SnapshotUpdate update)
      throws RejectedUpdateException {
    try {
      return applyChecked(held, update);
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdateException(e.getMessage());
    }
  }

  private static AuthzSnapshot applyChecked(AuthzSnapshot held, SnapshotUpdate update)
      throws RejectedUpdateException {
    if (update.getFull()) {
      if (!update.hasCatalog()) {
        throw new RejectedUpdateException("full update " + update.getVersion() + " has no catalog");
      }
      Catalog catalog = update.getCatalog();
      return AuthzSnapshot.of(
          update.getVersion(), toCatalog(catalog), Set.copyOf(catalog.getBaseDomainsList()),
          upsert(Map.of(), update), workspaces(Map.of(), update))
          .withNames(names(Names.NONE.withLegacyHosts(legacyHosts(catalog)), update));
    }
    if (held == null || held.version() != update.getBaseVersion()) {
      throw new RejectedUpdateException(
          "incremental update " + update.getBaseVersion() + "→" + update.getVersion()
              + " does not follow the version held (" + (held == null ? "none" : held.version()) + ")");
    }
    if (update.getVersion() <= held.version()) {
      throw new RejectedUpdateException(
          "update to version " + update.getVersion() + " is not newer than " + held.version());
    }
    RegionCatalog catalog = held.catalog();
    Set<String> baseDomains = held.baseDomains();
    Names names = held.names();
    if (update.hasCatalog()) {
      catalog = toCatalog(update.getCatalog());
      baseDomains = Set.copyOf(update.getCatalog().getBaseDomainsList());
      names = names.withLegacyHosts(legacyHosts(update.getCatalog()));
    }
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(held.workloads());
    for (String removed : update.getRemovedWorkloadsList()) {
      workloads.remove(parseId(removed));
    }
    return AuthzSnapshot.of(
        update.getVersion(), catalog, baseDomains, upsert(workloads, update), workspaces(held.workspaces(), update))
        .withNames(names(names, update));
  }

  private static Set<String> legacyHosts(Catalog catalog) {
    Set<String> hosts = new java.util.HashSet<>();
    catalog.getLegacyHostsList().forEach(h -> hosts.add(h.toLowerCase(java.util.Locale.ROOT)));
    return hosts;
  }

  /** The aliases and custom domains of {@code update} when it replaces them, else {@code held}'s. */
  private static Names names(Names held, SnapshotUpdate update) throws RejectedUpdateException {
    if (!update.getRoutingChanged()) {
      return held;
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>();
    for (dev.gantry.proto.snapshot.v1.Alias alias : update.getAliasesList()) {
      aliases.put(parseId(alias.getAlias()), parseId(alias.getWorkload()));
    }
    Map<String, Names.DomainTarget> domains = new HashMap<>();
    for (dev.gantry.proto.snapshot.v1.CustomDomain domain : update.getCustomDomainsList()) {
      domains.put(domain.getDomain().toLowerCase(java.util.Locale.ROOT), new Names.DomainTarget(
          parseId(domain.getWorkload()), domain.getLocation().isEmpty() ? null : domain.getLocation()));
    }
    return held.withRouting(aliases, domains);
  }

  private static Map<WorkloadId, WorkloadEntry> upsert(
      Map<WorkloadId, WorkloadEntry> base, SnapshotUpdate update) throws RejectedUpdateException {
    Map<WorkloadId, WorkloadEntry> result = new HashMap<>(base);
    for (Workload w : update.getUpsertedWorkloadsList()) {
      WorkloadId id = parseId(w.getId());
      result.put(id, new WorkloadEntry(id, w.getPublic(), new LinkedHashSet<>(w.getRegionsList()),
          new LinkedHashSet<>(w.getAllowedRegionsList()), w.getPolicy(), w.getForwardCredential()));
    }
    return result;
  }

  private static Map<String, WorkspaceEntry> workspaces(Map<String, WorkspaceEntry> base, SnapshotUpdate update)
      throws RejectedUpdateException {
    Map<String, WorkspaceEntry> result = new HashMap<>(base);
    update.getRemovedWorkspacesList().forEach(result::remove);
    for (Workspace w : update.getUpsertedWorkspacesList()) {
      List<IssuerEntry> issuers = new java.util.ArrayList<>();
      for (JwtIssuer i : w.getJwtIssuersList()) {
        URI jwks;
        try {
          jwks = URI.create(i.getJwksUri());
        } catch (IllegalArgumentException e) {
          throw new RejectedUpdateException("workspace " + w.getId() + ": jwks_uri '" + i.getJwksUri() + "' is not a URI");
        }
        if (!"http".equals(jwks.getScheme()) && !"https".equals(jwks.getScheme())) {
          throw new RejectedUpdateException("workspace " + w.getId() + ": jwks_uri '" + jwks + "' (expected: http or https)");
        }
        issuers.add(new IssuerEntry(i.getIssuer(), jwks, Set.copyOf(i.getAudiencesList())));
      }
      List<ApiKeyEntry> keys = new java.util.ArrayList<>();
      for (dev.gantry.proto.snapshot.v1.ApiKey key : w.getApiKeysList()) {
        if (key.getSecretSha256().size() != 32) {
          throw new RejectedUpdateException("API key " + key.getId() + " of workspace " + w.getId() + ": hash is not SHA-256");
        }
        keys.add(new ApiKeyEntry(key.getId(), w.getId(), key.getSecretSha256().toByteArray(), Set.copyOf(key.getScopesList()),
            key.getName(), key.getExpiresAtEpochSeconds() == 0 ? null : java.time.Instant.ofEpochSecond(key.getExpiresAtEpochSeconds()),
            key.getRevoked()));
      }
      List<SigningKeyEntry> signingKeys = new java.util.ArrayList<>();
      for (dev.gantry.proto.snapshot.v1.SigningKey key : w.getSigningKeysList()) {
        try {
          signingKeys.add(MessageSignatures.keyEntry(key.getKeyId(), w.getId(), key.getJwk(), Set.copyOf(key.getScopesList())));
        } catch (IllegalArgumentException e) {
          throw new RejectedUpdateException("signing key " + key.getKeyId() + " of workspace " + w.getId() + ": " + e.getMessage());
        }
      }
      result.put(w.getId(), new WorkspaceEntry(w.getId(), issuers, keys, signingKeys));
    }
    return result;
  }

  private static WorkloadId parseId(String id) throws RejectedUpdateException {
    try {
      return WorkloadId.parse(id);
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdateException(e.getMessage());
    }
  }

  private static RegionCatalog toCatalog(Catalog catalog) throws RejectedUpdateException {
    List<Region> regions =
        catalog.getRegionsList().stream()
            .map(r -> new Region(r.getId(), r.getCountry(), r.getContinent(), r.getLatitude(), r.getLongitude()))
            .toList();
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    catalog.getGroupsList().forEach(g -> groups.put(g.getName(), Set.copyOf(g.getRegionsList())));
    try {
      return new RegionCatalog(regions, groups);
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdateException("catalog: " + e.getMessage());
    }
  }
}
