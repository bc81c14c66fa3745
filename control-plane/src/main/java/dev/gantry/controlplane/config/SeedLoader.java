package dev.gantry.controlplane.config;

import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.routing.LocationPolicy;
import java.util.Set;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.StreamLimits;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads the workloads a control plane starts with (the local stack's demo workloads, or a
 * test's):
 *
 * <pre>
 * workspaces:                       # optional: who may present credentials for a workspace
 *   - id: demo
 *     jwt_issuers:
 *       - {issuer: http://127.0.0.1:18099, jwks_uri: http://127.0.0.1:18099/jwks.json, audiences: [gantry]}
 *     policy: {continents: [EU]}    # optional location policy: countries, continents, regions
 * workloads:
 *   - id: agt-echo-demo
 *     public: true
 *     regions: [eu-lon-1]           # optional: placed by the rules of Deployments
 *     near: eu-par-1                # optional, sandboxes without regions: nearest allowed to this
 *     policy: {regions: [eu-lon-1]} # optional: narrows the workspace's
 *     forward_credential: true      # optional: pass the raw credential on (default: removed)
 *     protocol: http1               # optional: http1 (default) or http2 (gRPC)
 *     max_stream_duration: 1h       # optional: default by product (StreamLimits)
 *     replicas:
 *       - {region: eu-lon-1, address: 127.0.0.1:18080}
 * </pre>
 *
 * Workloads are deployed through {@link Deployments}, exactly as the admin API deploys them: a
 * seed that places a workload where a policy forbids is refused at its line.
 */
public final class SeedLoader {

  private SeedLoader() {}

  /** The state the seed describes, checked against {@code topology}. */
  public static FleetState load(String yaml, String source, Topology topology) throws ConfigException {
    YamlTree tree = YamlTree.parse(yaml, source);
    Map<String, Object> root = tree.root();
    Deployments deployments = new Deployments(topology);
    FleetState state = new FleetState(0, workspaces(tree, root, topology), Map.of(), List.of());
    List<?> entries = tree.list(root.get("workloads"), "workloads");
    for (int i = 0; i < entries.size(); i++) {
      String path = "workloads[" + i + "]";
      Map<String, Object> entry = tree.map(entries.get(i), path);
      String rawId = tree.string(entry, "id", path);
      WorkloadId id;
      try {
        id = WorkloadId.parse(rawId);
      } catch (IllegalArgumentException e) {
        throw tree.fail(path + ".id", e.getMessage());
      }
      path = path + " (" + id + ")";
      TreeSet<String> regions = new TreeSet<>();
      for (Object region : tree.list(entry.get("regions"), path + ".regions")) {
        if (topology.catalog().region(String.valueOf(region)) == null) {
          throw tree.fail(path + ".regions", "a region of the catalog " + topology.catalog().regions().keySet(), region);
        }
        regions.add(String.valueOf(region));
      }
      LocationPolicy policy = policy(tree, entry, path);
      String near = tree.optionalString(entry, "near", path, null);
      Protocol protocol;
      Duration maxStreamDuration;
      try {
        protocol = Protocol.parse(tree.optionalString(entry, "protocol", path, "http1"));
        String duration = tree.optionalString(entry, "max_stream_duration", path, null);
        maxStreamDuration = duration == null ? StreamLimits.defaultFor(id.product()) : StreamLimits.parse(duration);
      } catch (IllegalArgumentException e) {
        throw tree.fail(path, e.getMessage());
      }
      Workload asked = new Workload(
          id, tree.optionalBoolean(entry, "public", path), regions, protocol, maxStreamDuration, policy,
          tree.optionalBoolean(entry, "forward_credential", path));
      try {
        state = deployments.create(state, new Deployments.Request(asked, near));
      } catch (Refusal e) {
        throw tree.fail(path, e.getMessage());
      }
      Workload workload = state.workloads().get(id);
      List<?> replicaEntries = tree.list(entry.get("replicas"), path + ".replicas");
      for (int j = 0; j < replicaEntries.size(); j++) {
        String rpath = path + ".replicas[" + j + "]";
        Map<String, Object> replica = tree.map(replicaEntries.get(j), rpath);
        String region = tree.string(replica, "region", rpath);
        if (!workload.regions().contains(region)) {
          throw tree.fail(rpath + ".region", "a region the workload is deployed to " + workload.regions(), region);
        }
        HostPort address;
        try {
          address = HostPort.parse(tree.string(replica, "address", rpath));
        } catch (IllegalArgumentException e) {
          throw tree.fail(rpath + ".address", e.getMessage());
        }
        state = deployments.addReplica(state, new Replica(id, region, address));
      }
    }
    return state;
  }

  private static Map<String, Workspace> workspaces(YamlTree tree, Map<String, Object> root, Topology topology)
      throws ConfigException {
    Map<String, Workspace> workspaces = new LinkedHashMap<>();
    List<?> entries = tree.list(root.get("workspaces"), "workspaces");
    for (int i = 0; i < entries.size(); i++) {
      String path = "workspaces[" + i + "]";
      Map<String, Object> entry = tree.map(entries.get(i), path);
      String id = tree.string(entry, "id", path);
      path = path + " (" + id + ")";
      List<JwtIssuer> issuers = new ArrayList<>();
      List<?> issuerEntries = tree.list(entry.get("jwt_issuers"), path + ".jwt_issuers");
      for (int j = 0; j < issuerEntries.size(); j++) {
        String ipath = path + ".jwt_issuers[" + j + "]";
        Map<String, Object> issuer = tree.map(issuerEntries.get(j), ipath);
        List<String> audiences = new ArrayList<>();
        for (Object audience : tree.list(issuer.get("audiences"), ipath + ".audiences")) {
          audiences.add(String.valueOf(audience));
        }
        try {
          issuers.add(new JwtIssuer(tree.string(issuer, "issuer", ipath),
              URI.create(tree.string(issuer, "jwks_uri", ipath)), audiences));
        } catch (IllegalArgumentException e) {
          throw tree.fail(ipath, e.getMessage());
        }
      }
      LocationPolicy policy = policy(tree, entry, path);
      try {
        new Deployments(topology).setWorkspacePolicy(FleetState.empty(), id, policy);
      } catch (Refusal e) {
        throw tree.fail(path + ".policy", e.getMessage());
      }
      try {
        if (workspaces.put(id, new Workspace(id, issuers, policy)) != null) {
          throw tree.fail(path, "workspace defined twice");
        }
      } catch (IllegalArgumentException e) {
        throw tree.fail(path, e.getMessage());
      }
    }
    return workspaces;
  }

  /** An optional {@code policy: {countries: [..], continents: [..], regions: [..]}}. */
  private static LocationPolicy policy(YamlTree tree, Map<String, Object> entry, String path) throws ConfigException {
    if (!entry.containsKey("policy")) {
      return LocationPolicy.ANY;
    }
    Map<String, Object> spec = tree.map(entry.get("policy"), path + ".policy");
    for (String key : spec.keySet()) {
      if (!Set.of("countries", "continents", "regions").contains(key)) {
        throw tree.fail(path + ".policy." + key, "countries, continents or regions", key);
      }
    }
    return new LocationPolicy(
        strings(tree, spec, "countries", path + ".policy"),
        strings(tree, spec, "continents", path + ".policy"),
        strings(tree, spec, "regions", path + ".policy"));
  }

  private static Set<String> strings(YamlTree tree, Map<String, Object> spec, String key, String path)
      throws ConfigException {
    Set<String> values = new java.util.LinkedHashSet<>();
    for (Object value : tree.list(spec.get(key), path + "." + key)) {
      values.add(String.valueOf(value));
    }
    return values;
  }
}
