package dev.gantry.authz.snapshot;

import dev.gantry.authz.model.ApiKeyEntry;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.SigningKeyEntry;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.EntityKey;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link SnapshotUpdate} from the control plane to the snapshot held, producing the
 * next snapshot or refusing the update with a reason. Every entity is decoded by {@link
 * FleetEntries}; this class only knows which map each kind lives in. Pure but for one log line (a
 * signing key it cannot use): the caller decides what to swap.
 */
public final class SnapshotUpdates {

  private static final Logger log = LoggerFactory.getLogger(SnapshotUpdates.class);

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
  public static AuthzSnapshot apply(AuthzSnapshot held, SnapshotUpdate update) throws RejectedUpdateException {
    if (update.getFull()) {
      if (!update.hasCatalog()) {
        throw new RejectedUpdateException("full update " + update.getVersion() + " has no catalog");
      }
    } else if (held == null || held.version() != update.getBaseVersion()) {
      throw new RejectedUpdateException(
          "incremental update " + update.getBaseVersion() + "→" + update.getVersion()
              + " does not follow the version held (" + (held == null ? "none" : held.version()) + ")");
    } else if (update.getVersion() <= held.version()) {
      throw new RejectedUpdateException(
          "update to version " + update.getVersion() + " is not newer than " + held.version());
    }
    try {
      return new Working(update.getFull() ? null : held).apply(update);
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdateException(e.getMessage());
    }
  }

  /** The held snapshot's maps, copied to apply one update to. */
  private static final class Working {

    private RegionCatalog catalog;
    private Set<String> baseDomains;
    private Set<String> legacyHosts;
    private final Map<String, WorkspaceEntry> workspaces;
    private final Map<String, ApiKeyEntry> apiKeys;
    private final Map<String, SigningKeyEntry> signingKeys;
    private final Map<WorkloadId, WorkloadEntry> workloads;
    private final Map<WorkloadId, WorkloadId> aliases;
    private final Map<String, Names.DomainTarget> domains;

    Working(AuthzSnapshot held) {
      catalog = held == null ? null : held.catalog();
      baseDomains = held == null ? Set.of() : held.baseDomains();
      legacyHosts = held == null ? Set.of() : held.names().legacyHosts();
      workspaces = held == null ? new HashMap<>() : new HashMap<>(held.workspaces());
      apiKeys = held == null ? new HashMap<>() : new HashMap<>(held.apiKeys());
      signingKeys = held == null ? new HashMap<>() : new HashMap<>(held.signingKeys());
      workloads = held == null ? new HashMap<>() : new HashMap<>(held.workloads());
      aliases = held == null ? new HashMap<>() : new HashMap<>(held.names().aliases());
      domains = held == null ? new HashMap<>() : new HashMap<>(held.names().customDomains());
    }

    AuthzSnapshot apply(SnapshotUpdate update) {
      if (update.hasCatalog()) {
        Catalog next = update.getCatalog();
        catalog = FleetEntries.catalog(next);
        baseDomains = Set.copyOf(next.getBaseDomainsList());
        legacyHosts = FleetEntries.legacyHosts(next);
      }
      for (EntityKey removed : update.getRemovedList()) {
        remove(removed);
      }
      Map<String, Placement> placements = new HashMap<>();
      update.getPlacementsList().forEach(p -> placements.put(p.getWorkload(), p));
      for (Entity entity : update.getUpsertedList()) {
        upsert(entity, placements);
      }
      for (Placement placement : placements.values()) {
        WorkloadId id = WorkloadId.parse(placement.getWorkload());
        WorkloadEntry workload = workloads.get(id);
        if (workload == null) {
          throw new IllegalArgumentException("placement of workload " + id + ", which the snapshot does not hold");
        }
        workloads.put(id, workload.withPlacement(Set.copyOf(placement.getAllowedRegionsList()), placement.getPolicy()));
      }
      attachKeys();
      return AuthzSnapshot.of(update.getVersion(), catalog, baseDomains, workloads, workspaces)
          .withNames(new Names(legacyHosts, aliases, domains));
    }

    private void remove(EntityKey key) {
      switch (key.getKind()) {
        case "workspace" -> workspaces.remove(key.getId());
        case "api_key" -> apiKeys.remove(key.getId());
        case "signing_key" -> signingKeys.remove(key.getId());
        case "workload" -> workloads.remove(WorkloadId.parse(key.getId()));
        case "alias" -> aliases.remove(WorkloadId.parse(key.getId()));
        case "custom_domain" -> domains.remove(key.getId());
        default -> throw new IllegalArgumentException("removed entity of kind '" + key.getKind() + "', which sidecars do not hold");
      }
    }

    private void upsert(Entity entity, Map<String, Placement> placements) {
      switch (entity.getKindCase()) {
        case WORKSPACE -> workspaces.put(entity.getWorkspace().getId(), FleetEntries.workspace(entity.getWorkspace()));
        case API_KEY -> apiKeys.put(entity.getApiKey().getId(), FleetEntries.apiKey(entity.getApiKey()));
        case SIGNING_KEY -> {
          // A key this sidecar cannot use (stored before a rule it now fails) is left out, with a
          // log line: its signatures are refused unknown-signing-key, and the rest of the fleet's
          // update still applies. Rejecting the update would stop every change, everywhere.
          String id = entity.getSigningKey().getKeyId();
          try {
            signingKeys.put(id, FleetEntries.signingKey(entity.getSigningKey()));
          } catch (IllegalArgumentException unusable) {
            signingKeys.remove(id);
            log.warn("{}: not used", unusable.getMessage());
          }
        }
        case WORKLOAD -> {
          String id = entity.getWorkload().getId();
          Placement placement = placements.remove(id);
          WorkloadEntry held = workloads.get(WorkloadId.parse(id));
          if (placement == null && held == null) {
            throw new IllegalArgumentException("workload " + id + " arrived without its placement");
          }
          WorkloadEntry next = FleetEntries.workload(entity.getWorkload(),
              placement != null ? placement : FleetEntries.placement(held));
          workloads.put(next.id(), next);
        }
        case ALIAS -> {
          Map.Entry<WorkloadId, WorkloadId> alias = FleetEntries.alias(entity.getAlias());
          aliases.put(alias.getKey(), alias.getValue());
        }
        case CUSTOM_DOMAIN -> {
          Map.Entry<String, Names.DomainTarget> domain = FleetEntries.domain(entity.getCustomDomain());
          domains.put(domain.getKey(), domain.getValue());
        }
        case REPLICA, DOMAIN_CERTIFICATE, KIND_NOT_SET -> throw new IllegalArgumentException(
            "entity of kind " + entity.getKindCase() + ", which sidecars do not hold");
      }
    }

    /** Each workspace with the keys that name it; a key of no workspace refuses the update. */
    private void attachKeys() {
      Map<String, List<ApiKeyEntry>> keysByWorkspace = new HashMap<>();
      for (ApiKeyEntry key : apiKeys.values()) {
        keysByWorkspace.computeIfAbsent(owner(key.workspace(), "API key " + key.id()), w -> new ArrayList<>()).add(key);
      }
      Map<String, List<SigningKeyEntry>> signingByWorkspace = new HashMap<>();
      for (SigningKeyEntry key : signingKeys.values()) {
        signingByWorkspace.computeIfAbsent(owner(key.workspace(), "signing key " + key.keyId()), w -> new ArrayList<>()).add(key);
      }
      workspaces.replaceAll((id, w) -> w.withKeys(
          keysByWorkspace.getOrDefault(id, List.of()), signingByWorkspace.getOrDefault(id, List.of())));
    }

    private String owner(String workspace, String what) {
      if (!workspaces.containsKey(workspace)) {
        throw new IllegalArgumentException(what + " names workspace " + workspace + ", which the snapshot does not hold");
      }
      return workspace;
    }
  }
}
