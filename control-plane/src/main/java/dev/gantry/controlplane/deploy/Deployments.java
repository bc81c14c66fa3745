package dev.gantry.controlplane.deploy;

import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.Product;
import dev.gantry.routing.Region;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The placement and policy rules of DESIGN.md §2 as pure functions from one fleet state to the
 * next. Each checks everything first and throws a {@link Refusal} naming what to fix; only a
 * change that passes every check returns a new state, so a refused write stores nothing.
 *
 * <ul>
 *   <li>A sandbox runs in exactly one region; agents and MCP servers in one or many.
 *   <li>Regions given are used if every policy (workspace's, then workload's) allows them.
 *   <li>No region given: agents and MCP servers go to every allowed region; a sandbox to the
 *       allowed region nearest to the one asked for, else to the catalog's default.
 *   <li>A policy may not forbid every region, nor a region a workload is deployed to.
 * </ul>
 */
public final class Deployments {

  private final Topology topology;

  public Deployments(Topology topology) {
    this.topology = topology;
  }

  /**
   * What a caller asks to deploy.
   *
   * @param workload the new workload, its {@code regions} those asked for (may be empty)
   * @param near for a sandbox without regions: the region to be nearest to; null = the default
   */
  public record Request(Workload workload, String near) {}

  /** Adds the workload, placed by the rules above. */
  public FleetState create(FleetState state, Request request) {
    Workload asked = request.workload();
    if (state.workloads().containsKey(asked.id())) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "workload '" + asked.id() + "' already exists (delete it first)");
    }
    checkPolicy(asked.policy(), "the workload's policy");
    SortedSet<String> allowed = state.allowedRegions(topology.catalog(), asked);
    if (allowed.isEmpty()) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "no region is allowed for '" + asked.id() + "': workspace '"
          + asked.id().workspace() + "' allows " + state.workspacePolicy(asked.id().workspace())
          + ", the workload's own policy " + asked.policy());
    }
    SortedSet<String> regions = place(asked, allowed, request.near(), state);
    Workload placed = new Workload(
        asked.id(), asked.isPublic(), regions, asked.protocol(), asked.maxStreamDuration(), asked.policy(),
        asked.forwardCredential());
    Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
    workloads.put(placed.id(), placed);
    return state.withWorkspaces(withWorkspace(state, placed.id().workspace())).withWorkloads(workloads, state.replicas());
  }

  /** Removes a workload with its replicas, the aliases that name it and the domains bound to it. */
  public FleetState delete(FleetState state, WorkloadId id) {
    existing(state, id);
    Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
    workloads.remove(id);
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.values().removeIf(id::equals);
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.values().removeIf(d -> d.workload().equals(id));
    return state.withWorkloads(workloads, state.replicas().stream().filter(r -> !r.workload().equals(id)).toList())
        .withRouting(new Routing(aliases, domains));
  }

  /** Makes the legacy id {@code alias} reach {@code target} (an existing workload, not an alias). */
  public FleetState addAlias(FleetState state, WorkloadId alias, WorkloadId target) {
    Workload workload = existing(state, target);
    if (state.workloads().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "'" + alias + "' is a workload itself; an alias must be a name no workload has");
    }
    if (state.routing().aliases().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "alias '" + alias + "' already reaches '"
          + state.routing().aliases().get(alias) + "' (delete it first)");
    }
    if (alias.product() != workload.id().product()) {
      throw new Refusal(Refusal.Kind.INVALID, "alias '" + alias + "' and workload '" + target + "' are different products");
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.put(alias, target);
    return state.withRouting(new Routing(aliases, state.routing().customDomains()));
  }

  public FleetState removeAlias(FleetState state, WorkloadId alias) {
    if (!state.routing().aliases().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "alias '" + alias + "' does not exist");
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.remove(alias);
    return state.withRouting(new Routing(aliases, state.routing().customDomains()));
  }

  /**
   * Binds a workspace's own hostname to one of its workloads, served from {@code location} (a
   * region or group; null: the nearest allowed region).
   */
  public FleetState bindDomain(FleetState state, String rawDomain, WorkloadId target, String location) {
    String domain = rawDomain.toLowerCase(java.util.Locale.ROOT);
    if (domain.endsWith(".")) {
      domain = domain.substring(0, domain.length() - 1);
    }
    if (domain.length() > 253 || domain.indexOf('.') < 0
        || !java.util.Arrays.stream(domain.split("\\.", -1)).allMatch(dev.gantry.routing.HostnameGrammar::isDnsLabel)) {
      throw new Refusal(Refusal.Kind.INVALID, "domain '" + rawDomain + "' (expected: a hostname such as agents.acme.example)");
    }
    for (String base : topology.baseDomains()) {
      if (domain.equals(base) || domain.endsWith("." + base)) {
        throw new Refusal(Refusal.Kind.INVALID, "domain '" + domain + "' is under the base domain " + base
            + ", whose names route by themselves (expected: the workspace's own domain)");
      }
    }
    if (topology.legacyHosts().contains(domain)) {
      throw new Refusal(Refusal.Kind.INVALID, "domain '" + domain + "' is the gateway's legacy host");
    }
    Routing.CustomDomain bound = state.routing().customDomains().get(domain);
    if (bound != null) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "domain '" + domain + "' is already bound to '" + bound.workload()
          + "' (unbind it first)");
    }
    Workload workload = existing(state, target);
    if (location != null && !location.isEmpty()) {
      java.util.Set<String> named = topology.catalog().regionsNamedBy(location);
      if (named == null) {
        throw new Refusal(Refusal.Kind.NOT_FOUND, "location '" + location + "' is neither a region nor a group of the catalog");
      }
      if (dev.gantry.routing.TargetRegions.of(workload.regions(), state.allowedRegions(topology.catalog(), workload), named).isEmpty()) {
        throw new Refusal(Refusal.Kind.FORBIDDEN, "'" + target + "' is not deployed and allowed anywhere in '" + location
            + "' (deployed to " + workload.regions() + ")");
      }
    }
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.put(domain, new Routing.CustomDomain(domain, target, location == null || location.isEmpty() ? null : location));
    return state.withRouting(new Routing(state.routing().aliases(), domains));
  }

  public FleetState unbindDomain(FleetState state, String rawDomain) {
    String domain = rawDomain.toLowerCase(java.util.Locale.ROOT);
    if (!state.routing().customDomains().containsKey(domain)) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "domain '" + domain + "' is not bound");
    }
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.remove(domain);
    return state.withRouting(new Routing(state.routing().aliases(), domains));
  }

  /** Adds a workspace; refused when it exists (workloads create theirs implicitly, without issuers). */
  public FleetState createWorkspace(FleetState state, Workspace workspace) {
    if (state.workspaces().containsKey(workspace.id())) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "workspace '" + workspace.id() + "' already exists");
    }
    checkPolicy(workspace.policy(), "the policy of workspace '" + workspace.id() + "'");
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

  /** Every scope a key may carry, by product. */
  public static final Set<String> SCOPES = Set.of("agt:invoke", "mcp:call", "sbx:exec");

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
      if (!SCOPES.contains(scope)) {
        throw new Refusal(Refusal.Kind.INVALID, "scope '" + scope + "' (expected: some of " + new TreeSet<>(SCOPES) + ")");
      }
    }
    if (scopes.isEmpty()) {
      throw new Refusal(Refusal.Kind.INVALID, "no scope: it could do nothing (expected: some of " + new TreeSet<>(SCOPES) + ")");
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
  public FleetState setJwtIssuers(FleetState state, String workspaceId, List<dev.gantry.controlplane.model.JwtIssuer> issuers) {
    Workspace workspace = state.workspaces().get(workspaceId);
    if (workspace == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + workspaceId + "' does not exist");
    }
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspaceId,
        new Workspace(workspaceId, issuers, workspace.policy(), workspace.apiKeys(), workspace.signingKeys()));
    return state.withWorkspaces(workspaces);
  }

  /** Replaces a workspace's policy (creating the workspace if nobody configured it yet). */
  public FleetState setWorkspacePolicy(FleetState state, String workspace, LocationPolicy policy) {
    Workspace current = state.workspaces().get(workspace);
    Workspace next;
    try {
      next = (current == null ? new Workspace(workspace, List.of()) : current).withPolicy(policy);
    } catch (IllegalArgumentException e) {
      throw new Refusal(Refusal.Kind.INVALID, e.getMessage());
    }
    checkPolicy(policy, "the policy of workspace '" + workspace + "'");
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspace, next);
    FleetState changed = state.withWorkspaces(workspaces);
    for (Workload workload : state.sortedWorkloads()) {
      if (workload.id().workspace().equals(workspace)) {
        checkDeployedRegionsAllowed(changed, workload, "workspace '" + workspace + "' policy " + policy);
      }
    }
    return changed;
  }

  /** Replaces a workload's own policy. */
  public FleetState setWorkloadPolicy(FleetState state, WorkloadId id, LocationPolicy policy) {
    Workload next = existing(state, id).withPolicy(policy);
    checkPolicy(policy, "the policy of workload '" + id + "'");
    Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
    workloads.put(id, next);
    FleetState changed = state.withWorkloads(workloads, state.replicas());
    checkDeployedRegionsAllowed(changed, next, "its policy " + policy);
    return changed;
  }

  /** Adds a replica of a workload deployed to {@code replica.region()}; adding one again changes nothing. */
  public FleetState addReplica(FleetState state, Replica replica) {
    Workload workload = existing(state, replica.workload());
    if (!workload.regions().contains(replica.region())) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "workload '" + workload.id() + "' is not deployed to '"
          + replica.region() + "' (deployed to " + workload.regions() + ")");
    }
    if (state.replicas().contains(replica)) {
      return state;
    }
    List<Replica> replicas = new ArrayList<>(state.replicas());
    replicas.add(replica);
    return state.withWorkloads(state.workloads(), replicas);
  }

  /** Removes a replica; removing one that is not there changes nothing. */
  public FleetState removeReplica(FleetState state, Replica replica) {
    if (!state.replicas().contains(replica)) {
      return state;
    }
    return state.withWorkloads(state.workloads(), state.replicas().stream().filter(r -> !r.equals(replica)).toList());
  }

  /** The regions a new workload goes to. */
  private SortedSet<String> place(Workload asked, SortedSet<String> allowed, String near, FleetState state) {
    boolean sandbox = asked.id().product() == Product.SANDBOX;
    for (String region : asked.regions()) {
      region(region);
    }
    if (sandbox && asked.regions().size() > 1) {
      throw new Refusal(Refusal.Kind.INVALID, "a sandbox runs in exactly one region; '" + asked.id() + "' asks for "
          + asked.regions() + " (give one --region, or none to place it)");
    }
    if (!asked.regions().isEmpty()) {
      SortedSet<String> forbidden = new TreeSet<>(asked.regions());
      forbidden.removeAll(allowed);
      if (!forbidden.isEmpty()) {
        throw new Refusal(Refusal.Kind.FORBIDDEN, "'" + asked.id() + "' may not be deployed to " + forbidden
            + ": workspace '" + asked.id().workspace() + "' allows " + state.workspacePolicy(asked.id().workspace())
            + ", the workload's own policy " + asked.policy() + " (allowed: " + allowed + ")");
      }
      return new TreeSet<>(asked.regions());
    }
    if (!sandbox) {
      return new TreeSet<>(allowed);
    }
    String from = near == null || near.isEmpty() ? topology.defaultRegion() : region(near).id();
    return new TreeSet<>(Set.of(topology.catalog().nearestFirst(from, allowed).getFirst()));
  }

  private Region region(String id) {
    Region region = topology.catalog().region(id);
    if (region == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "region '" + id + "' is not in the catalog (regions: "
          + topology.catalog().regions().keySet() + ")");
    }
    return region;
  }

  private void checkPolicy(LocationPolicy policy, String what) {
    SortedSet<String> unknown = policy.unknownRegions(topology.catalog());
    if (!unknown.isEmpty()) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, what + " names regions not in the catalog: " + unknown
          + " (regions: " + topology.catalog().regions().keySet() + ")");
    }
    for (String continent : policy.continents()) {
      if (!Topology.CONTINENTS.contains(continent)) {
        throw new Refusal(Refusal.Kind.INVALID, what + ": continent '" + continent + "' (expected one of "
            + new TreeSet<>(Topology.CONTINENTS) + ")");
      }
    }
    for (String country : policy.countries()) {
      if (!country.matches("[A-Z]{2}")) {
        throw new Refusal(Refusal.Kind.INVALID, what + ": country '" + country
            + "' (expected an ISO 3166-1 alpha-2 code such as GB)");
      }
    }
    if (LocationPolicy.allowedRegions(topology.catalog(), policy).isEmpty()) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, what + " (" + policy + ") allows no region of the catalog "
          + topology.catalog().regions().keySet());
    }
  }

  private void checkDeployedRegionsAllowed(FleetState changed, Workload workload, String cause) {
    SortedSet<String> forbidden = new TreeSet<>(workload.regions());
    forbidden.removeAll(changed.allowedRegions(topology.catalog(), workload));
    if (!forbidden.isEmpty()) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "workload '" + workload.id() + "' is deployed to " + forbidden
          + ", which " + cause + " would forbid (delete or redeploy it first)");
    }
  }

  private Workload existing(FleetState state, WorkloadId id) {
    Workload workload = state.workloads().get(id);
    if (workload == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workload '" + id + "' does not exist");
    }
    return workload;
  }

  private static Map<String, Workspace> withWorkspace(FleetState state, String workspace) {
    if (state.workspaces().containsKey(workspace)) {
      return state.workspaces();
    }
    Map<String, Workspace> workspaces = new HashMap<>(state.workspaces());
    workspaces.put(workspace, new Workspace(workspace, List.of()));
    return workspaces;
  }
}
