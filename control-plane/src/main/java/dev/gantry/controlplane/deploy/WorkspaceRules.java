package dev.gantry.controlplane.deploy;

import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.Product;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of workspaces and the credentials that act for them: JWT issuers, API keys, signing
 * keys. Pure, like {@link Deployments}: each checks everything first and throws a {@link
 * Refusal}; a refused write stores nothing.
 */
public final class WorkspaceRules {

  private final Topology topology;

  public WorkspaceRules(Topology topology) {
    this.topology = topology;
  }

  /** Adds a workspace; refused when it exists (workloads create theirs implicitly, without issuers). */
  public FleetState createWorkspace(FleetState state, Workspace workspace) {
    if (state.workspaces().containsKey(workspace.id())) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "workspace '" + workspace.id() + "' already exists");
    }
    Deployments.checkPolicy(topology, workspace.policy(), "the policy of workspace '" + workspace.id() + "'");
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspace.id(), workspace);
    return state.withWorkspaces(workspaces);
  }

  /** Removes a workspace that has no workload left. */
  public FleetState deleteWorkspace(FleetState state, String id) {
    if (!state.workspaces().containsKey(id)) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + id + "' does not exist");
    }
    List<String> workloads = state.sortedWorkloads().stream()
        .filter(w -> w.id().workspace().equals(id)).map(w -> w.id().toString()).toList();
    if (!workloads.isEmpty()) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "workspace '" + id + "' still has workloads " + workloads + " (delete them first)");
    }
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.remove(id);
    return state.withWorkspaces(workspaces);
  }

  /** Replaces an existing workspace's quotas (none: no budget). */
  public FleetState setQuotas(FleetState state, String workspaceId, List<dev.gantry.controlplane.model.Quota> quotas) {
    Workspace workspace = state.workspaces().get(workspaceId);
    if (workspace == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + workspaceId + "' does not exist");
    }
    Workspace next;
    try {
      next = workspace.withQuotas(quotas);
    } catch (IllegalArgumentException e) {
      throw new Refusal(Refusal.Kind.INVALID, e.getMessage());
    }
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspaceId, next);
    return state.withWorkspaces(workspaces);
  }

  /** Adds an API key to an existing workspace. */
  public FleetState addApiKey(FleetState state, String workspaceId, ApiKey key) {
    Workspace workspace = state.workspaces().get(workspaceId);
    if (workspace == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + workspaceId + "' does not exist");
    }
    checkScopes(key.scopes());
    List<ApiKey> keys = new ArrayList<>(workspace.apiKeys());
    keys.add(key);
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspaceId, workspace.withApiKeys(keys));
    return state.withWorkspaces(workspaces);
  }

  /** Registers a public key to a workspace; its key id must be new everywhere. */
  public FleetState addSigningKey(FleetState state, String workspaceId, SigningKey key) {
    Workspace workspace = state.workspaces().get(workspaceId);
    if (workspace == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + workspaceId + "' does not exist");
    }
    if (!key.keyId().matches("[A-Za-z0-9._:-]{1,128}")) {
      throw new Refusal(Refusal.Kind.INVALID, "key id '" + key.keyId() + "' (expected: 1-128 of letters, digits and . _ : -)");
    }
    for (Workspace w : state.workspaces().values()) {
      if (w.signingKeys().stream().anyMatch(k -> k.keyId().equals(key.keyId()))) {
        throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "signing key '" + key.keyId() + "' is registered already (to workspace '" + w.id() + "')");
      }
    }
    checkScopes(key.scopes());
    List<SigningKey> keys = new ArrayList<>(workspace.signingKeys());
    keys.add(key);
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspaceId, workspace.withSigningKeys(keys));
    return state.withWorkspaces(workspaces);
  }

  public FleetState removeSigningKey(FleetState state, String keyId) {
    for (Workspace w : state.workspaces().values()) {
      if (w.signingKeys().stream().anyMatch(k -> k.keyId().equals(keyId))) {
        Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
        workspaces.put(w.id(), w.withSigningKeys(w.signingKeys().stream().filter(k -> !k.keyId().equals(keyId)).toList()));
        return state.withWorkspaces(workspaces);
      }
    }
    throw new Refusal(Refusal.Kind.NOT_FOUND, "signing key '" + keyId + "' does not exist");
  }

  private static void checkScopes(Set<String> scopes) {
    for (String scope : scopes) {
      if (!Product.SCOPES.contains(scope)) {
        throw new Refusal(Refusal.Kind.INVALID, "scope '" + scope + "' (expected: some of " + new TreeSet<>(Product.SCOPES) + ")");
      }
    }
    if (scopes.isEmpty()) {
      throw new Refusal(Refusal.Kind.INVALID, "no scope: it could do nothing (expected: some of " + new TreeSet<>(Product.SCOPES) + ")");
    }
  }

  /** Revokes a key: kept, marked revoked, so it is refused as revoked, not as unknown. */
  public FleetState revokeApiKey(FleetState state, String keyId) {
    for (Workspace workspace : state.workspaces().values()) {
      for (ApiKey key : workspace.apiKeys()) {
        if (key.id().equals(keyId)) {
          if (key.revoked()) {
            return state;
          }
          List<ApiKey> keys = workspace.apiKeys().stream().map(k -> k.id().equals(keyId) ? k.revoke() : k).toList();
          Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
          workspaces.put(workspace.id(), workspace.withApiKeys(keys));
          return state.withWorkspaces(workspaces);
        }
      }
    }
    throw new Refusal(Refusal.Kind.NOT_FOUND, "API key '" + keyId + "' does not exist");
  }

  /** Replaces the JWT issuers of an existing workspace. */
  public FleetState setJwtIssuers(FleetState state, String workspaceId, List<JwtIssuer> issuers) {
    Workspace workspace = state.workspaces().get(workspaceId);
    if (workspace == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + workspaceId + "' does not exist");
    }
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspaceId, workspace.withJwtIssuers(issuers));
    return state.withWorkspaces(workspaces);
  }
}
