package dev.gantry.controlplane.config;

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
 * workloads:
 *   - id: agt-echo-demo
 *     public: true
 *     regions: [eu-lon-1]
 *     protocol: http1               # optional: http1 (default) or http2 (gRPC)
 *     max_stream_duration: 1h       # optional: default by product (StreamLimits)
 *     replicas:
 *       - {region: eu-lon-1, address: 127.0.0.1:18080}
 * </pre>
 */
public final class SeedLoader {

  private SeedLoader() {}

  /** The state the seed describes, checked against {@code topology}. */
  public static FleetState load(String yaml, String source, Topology topology) throws ConfigException {
    YamlTree tree = YamlTree.parse(yaml, source);
    Map<String, Object> root = tree.root();
    Map<String, Workspace> workspaces = workspaces(tree, root);
    Map<WorkloadId, Workload> workloads = new LinkedHashMap<>();
    List<Replica> replicas = new ArrayList<>();
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
      if (regions.isEmpty()) {
        throw tree.fail(path + ".regions", "at least one region", entry.get("regions"));
      }
      Protocol protocol;
      Duration maxStreamDuration;
      try {
        protocol = Protocol.parse(tree.optionalString(entry, "protocol", path, "http1"));
        String duration = tree.optionalString(entry, "max_stream_duration", path, null);
        maxStreamDuration = duration == null ? StreamLimits.defaultFor(id.product()) : StreamLimits.parse(duration);
      } catch (IllegalArgumentException e) {
        throw tree.fail(path, e.getMessage());
      }
      Workload workload = new Workload(id, tree.optionalBoolean(entry, "public", path), regions, protocol, maxStreamDuration);
      if (workloads.put(id, workload) != null) {
        throw tree.fail(path, "workload defined twice");
      }
      List<?> replicaEntries = tree.list(entry.get("replicas"), path + ".replicas");
      for (int j = 0; j < replicaEntries.size(); j++) {
        String rpath = path + ".replicas[" + j + "]";
        Map<String, Object> replica = tree.map(replicaEntries.get(j), rpath);
        String region = tree.string(replica, "region", rpath);
        if (!regions.contains(region)) {
          throw tree.fail(rpath + ".region", "a region the workload is deployed to " + regions, region);
        }
        HostPort address;
        try {
          address = HostPort.parse(tree.string(replica, "address", rpath));
        } catch (IllegalArgumentException e) {
          throw tree.fail(rpath + ".address", e.getMessage());
        }
        replicas.add(new Replica(id, region, address));
      }
    }
    return new FleetState(0, workspaces, workloads, replicas);
  }

  private static Map<String, Workspace> workspaces(YamlTree tree, Map<String, Object> root) throws ConfigException {
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
      try {
        if (workspaces.put(id, new Workspace(id, issuers)) != null) {
          throw tree.fail(path, "workspace defined twice");
        }
      } catch (IllegalArgumentException e) {
        throw tree.fail(path, e.getMessage());
      }
    }
    return workspaces;
  }
}
