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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The placement and policy rules (docs/architecture.md, "Regions and placement") as pure
 * functions from one fleet state to the next; {@link WorkspaceRules} and {@link NameRules} hold
 * the rules of credentials and of names. Each checks everything first and throws a {@link Refusal} naming what to fix; only a
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
    if (asked.previews().stream().anyMatch(p -> !p.tokens().isEmpty())) {
      throw new Refusal(Refusal.Kind.INVALID, "workload '" + asked.id() + "' comes with preview tokens (expected: none;"
          + " a token is minted by CreatePreviewToken, which shows it once)");
    }
    if (state.workloads().containsKey(asked.id())) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "workload '" + asked.id() + "' already exists (delete it first)");
    }
    checkPolicy(topology, asked.policy(), "the workload's policy");
    SortedSet<String> allowed = state.allowedRegions(topology.catalog(), asked);
    if (allowed.isEmpty()) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "no region is allowed for '" + asked.id() + "': workspace '"
          + asked.id().workspace() + "' allows " + state.workspacePolicy(asked.id().workspace())
          + ", the workload's own policy " + asked.policy());
    }
    SortedSet<String> regions = place(asked, allowed, request.near(), state);
    Workload placed = asked.withRegions(regions);
    return state.withWorkspaces(withWorkspace(state, placed.id().workspace())).withWorkload(placed);
  }

  /** Removes a workload with its replicas, the aliases that name it and the domains bound to it. */
  public FleetState delete(FleetState state, WorkloadId id) {
    existing(state, id);
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.values().removeIf(id::equals);
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.values().removeIf(d -> d.workload().equals(id));
    return state.withoutWorkload(id).withoutReplicas(r -> r.workload().equals(id))
        .withRouting(new Routing(aliases, domains));
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
    checkPolicy(topology, policy, "the policy of workspace '" + workspace + "'");
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
    checkPolicy(topology, policy, "the policy of workload '" + id + "'");
    FleetState changed = state.withWorkload(next);
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
    return state.withReplica(replica);
  }

  /** Removes a replica; removing one that is not there changes nothing. */
  public FleetState removeReplica(FleetState state, Replica replica) {
    return state.withoutReplica(replica);
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

  static void checkPolicy(Topology topology, LocationPolicy policy, String what) {
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

  static Workload existing(FleetState state, WorkloadId id) {
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
