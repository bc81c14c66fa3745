package dev.gantry.controlplane.config;

import com.google.gson.Gson;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads the workloads a control plane starts with (the local stack's demo workloads, or a
 * test's). Each entry is a fleet message ({@code gantry.fleet.v1}) written in YAML, with its
 * field names — so a new field of a workspace or a workload is a new key here with no code:
 *
 * <pre>
 * workspaces:                       # gantry.fleet.v1.Workspace
 *   - id: demo
 *     jwt_issuers:
 *       - {issuer: http://127.0.0.1:18099, jwks_uri: http://127.0.0.1:18099/jwks.json, audiences: [gantry]}
 *     policy: {continents: [EU]}    # optional location policy: countries, continents, regions
 * workloads:                        # gantry.fleet.v1.Workload, plus near and replicas
 *   - id: agt-echo-demo
 *     public: true
 *     regions: [eu-lon-1]           # optional: placed by the rules of Deployments
 *     policy: {regions: [eu-lon-1]} # optional: narrows the workspace's
 *     forward_credential: true      # optional: pass the raw credential on (default: removed)
 *     affinity: header:x-session    # optional: the same value, the same replica (or cookie:<name>)
 *     metering: {}                  # optional: meter its responses' token usage ({usage_path: a.b} if not OpenAI's)
 *     protocol: http1               # optional: http1 (default) or http2 (gRPC)
 *     max_stream_duration: 1h       # optional: default by product (StreamLimits)
 *     near: eu-par-1                # optional, sandboxes without regions: nearest allowed to this
 *     replicas:                     # gantry.fleet.v1.Replica without the workload
 *       - {region: eu-lon-1, address: 127.0.0.1:18080}
 * </pre>
 *
 * Workspaces and workloads are created through {@link WorkspaceRules} and {@link Deployments},
 * exactly as the admin API creates them: a seed that places a workload where a policy forbids
 * is refused at its line.
 */
public final class SeedLoader {

  private static final Gson GSON = new Gson();

  private SeedLoader() {}

  /** The state the seed describes, checked against {@code topology}. */
  public static FleetState load(String yaml, String source, Topology topology) throws ConfigException {
    YamlTree tree = YamlTree.parse(yaml, source);
    Map<String, Object> root = tree.root();
    Deployments deployments = new Deployments(topology);
    WorkspaceRules workspaces = new WorkspaceRules(topology);
    FleetState state = FleetState.empty();
    List<?> workspaceEntries = tree.list(root.get("workspaces"), "workspaces");
    for (int i = 0; i < workspaceEntries.size(); i++) {
      String path = "workspaces[" + i + "]";
      Map<String, Object> entry = tree.map(workspaceEntries.get(i), path);
      Workspace workspace = decode(tree, path, entry, dev.gantry.proto.fleet.v1.Workspace.newBuilder(),
          m -> FleetCodec.workspace((dev.gantry.proto.fleet.v1.Workspace) m));
      state = apply(tree, path + " (" + workspace.id() + ")", state, s -> workspaces.createWorkspace(s, workspace));
    }
    List<?> entries = tree.list(root.get("workloads"), "workloads");
    for (int i = 0; i < entries.size(); i++) {
      String path = "workloads[" + i + "]";
      Map<String, Object> entry = new LinkedHashMap<>(tree.map(entries.get(i), path));
      String near = entry.containsKey("near") ? String.valueOf(entry.remove("near")) : null;
      List<?> replicas = tree.list(entry.remove("replicas"), path + ".replicas");
      Workload asked = decode(tree, path, entry, dev.gantry.proto.fleet.v1.Workload.newBuilder(),
          m -> FleetCodec.workload((dev.gantry.proto.fleet.v1.Workload) m));
      path = path + " (" + asked.id() + ")";
      state = apply(tree, path, state, s -> deployments.create(s, new Deployments.Request(asked, near)));
      for (int j = 0; j < replicas.size(); j++) {
        String rpath = path + ".replicas[" + j + "]";
        Map<String, Object> replicaEntry = new LinkedHashMap<>(tree.map(replicas.get(j), rpath));
        replicaEntry.put("workload", asked.id().toString());
        Replica replica = decode(tree, rpath, replicaEntry, dev.gantry.proto.fleet.v1.Replica.newBuilder(),
            m -> FleetCodec.replica((dev.gantry.proto.fleet.v1.Replica) m));
        state = apply(tree, rpath, state, s -> deployments.addReplica(s, replica));
      }
    }
    return state;
  }

  /** One entry as its fleet message, then as its record: either refusal names the entry. */
  private static <T> T decode(
      YamlTree tree, String path, Map<String, Object> entry, Message.Builder builder, Function<Message, T> codec)
      throws ConfigException {
    try {
      JsonFormat.parser().merge(GSON.toJson(entry), builder);
      return codec.apply(builder.build());
    } catch (InvalidProtocolBufferException e) {
      throw tree.fail(path, e.getMessage() + " (expected: the fields of " + builder.getDescriptorForType().getFullName() + ")");
    } catch (IllegalArgumentException e) {
      throw tree.fail(path, e.getMessage());
    }
  }

  private static FleetState apply(YamlTree tree, String path, FleetState state, java.util.function.UnaryOperator<FleetState> rule)
      throws ConfigException {
    try {
      return rule.apply(state);
    } catch (Refusal e) {
      throw tree.fail(path, e.getMessage());
    }
  }
}
