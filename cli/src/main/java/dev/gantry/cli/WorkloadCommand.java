package dev.gantry.cli;

import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.GetWorkloadRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsResponse;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "workload", mixinStandardHelpOptions = true,
    description = "Create, list, show and delete workloads.",
    subcommands = {WorkloadCommand.Create.class, WorkloadCommand.List.class, WorkloadCommand.Get.class, WorkloadCommand.Delete.class})
final class WorkloadCommand {

  static WorkloadServiceGrpc.WorkloadServiceBlockingStub stub(io.grpc.Channel channel) {
    return WorkloadServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static String describe(WorkloadInfo w) {
    Workload workload = w.getWorkload();
    return workload.getId() + (workload.getPublic() ? " (public)" : "") + "\n"
        + "  regions:  " + String.join(", ", workload.getRegionsList()) + "\n"
        + "  policy:   " + Policies.describe(workload.getPolicy()) + " → allowed " + String.join(", ", w.getAllowedRegionsList()) + "\n"
        + "  protocol: " + (workload.getProtocol().isEmpty() ? "http1" : workload.getProtocol()) + "\n"
        + "  labels:   " + labels(workload) + (workload.getSendLabels() ? " (sent to the workload)" : "") + "\n"
        + "  metered:  " + (!workload.hasMetering() ? "no"
            : workload.getMetering().getUsagePath().isEmpty() ? "yes (OpenAI usage)" : "yes (usage at " + workload.getMetering().getUsagePath() + ")") + "\n"
        + "  replicas: " + (w.getReplicasMap().isEmpty() ? "none" : w.getReplicasMap().toString()) + "\n";
  }

  static String labels(Workload workload) {
    return workload.getLabelsCount() == 0 ? "-" : new java.util.TreeMap<>(workload.getLabelsMap()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(","));
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a workload and deploy it. No --region: agents and MCP servers go to every region the"
          + " policies allow, a sandbox to the allowed region nearest to --near.")
  static final class Create extends Admin implements Runnable {
    @Parameters(paramLabel = "ID", description = "<product>-<workload>-<workspace>, e.g. agt-new-demo")
    String id;

    @Option(names = "--region", paramLabel = "REGION", description = "deploy here (repeatable)")
    java.util.List<String> regions = new ArrayList<>();

    @Option(names = "--public", description = "reachable without credentials")
    boolean isPublic;

    @Option(names = "--protocol", defaultValue = "http1", description = "http1 (default) or http2 (gRPC)")
    String protocol;

    @Option(names = "--forward-credential", description = "pass the raw credential on to the workload (default: removed)")
    boolean forwardCredential;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label of its owner's (repeatable), e.g. team=search")
    java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();

    @Option(names = "--send-labels", description = "send the labels to the workload with every request (x-gantry-labels)")
    boolean sendLabels;

    @Option(names = "--affinity", paramLabel = "header:NAME|cookie:NAME",
        description = "requests with the same value of this header or cookie go to the same replica")
    String affinity;

    @Option(names = "--metered", description = "meter the model-token usage its responses report (OpenAI's usage object)")
    boolean metered;

    @Option(names = "--usage-path", paramLabel = "KEY.KEY",
        description = "where its responses carry the usage object, when not OpenAI's usage (implies --metered)")
    String usagePath;

    @Option(names = "--near", paramLabel = "REGION", description = "a sandbox without --region goes to the allowed region nearest to this")
    String near;

    @ArgGroup(exclusive = false, heading = "Its own location policy (narrows its workspace's):%n")
    Policies policy;

    @Override
    public void run() {
      String wire = switch (protocol.toLowerCase(java.util.Locale.ROOT)) {
        case "http1" -> "http1";
        case "http2", "grpc" -> "http2";
        default -> throw new IllegalArgumentException("--protocol '" + protocol + "' (expected: http1 or http2)");
      };
      Workload.Builder workload = Workload.newBuilder()
          .setId(id).addAllRegions(regions).setPublic(isPublic).setProtocol(wire).setForwardCredential(forwardCredential)
          .putAllLabels(labels).setSendLabels(sendLabels);
      if (affinity != null) {
        workload.setAffinity(affinity);
      }
      if (metered || usagePath != null) {
        workload.setMetering(dev.gantry.proto.fleet.v1.Metering.newBuilder().setUsagePath(usagePath == null ? "" : usagePath));
      }
      if (policy != null) {
        workload.setPolicy(policy.toProto());
      }
      CreateWorkloadRequest.Builder request = CreateWorkloadRequest.newBuilder().setWorkload(workload);
      if (near != null) {
        request.setNear(near);
      }
      WorkloadInfo created = call(channel -> stub(channel).createWorkload(request.build()));
      print(created, w -> "created " + describe(w));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workloads.")
  static final class List extends Admin implements Runnable {
    @Option(names = "--workspace", description = "only this workspace's")
    String workspace;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "only workloads with this label (repeatable: all of them)")
    java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();

    @Override
    public void run() {
      ListWorkloadsResponse all = call(channel -> stub(channel).listWorkloads(
          ListWorkloadsRequest.newBuilder().setWorkspace(workspace == null ? "" : workspace).build()));
      ListWorkloadsResponse list = all.toBuilder().clearWorkloads().addAllWorkloads(all.getWorkloadsList().stream()
          .filter(w -> w.getWorkload().getLabelsMap().entrySet().containsAll(labels.entrySet())).toList()).build();
      print(list, l -> {
        Table table = new Table("WORKLOAD", "PUBLIC", "REGIONS", "ALLOWED", "REPLICAS", "LABELS");
        l.getWorkloadsList().forEach(w -> table.row(w.getWorkload().getId(), w.getWorkload().getPublic() ? "yes" : "no",
            String.join(",", w.getWorkload().getRegionsList()), String.join(",", w.getAllowedRegionsList()),
            w.getReplicasMap().values().stream().mapToInt(Integer::intValue).sum(), labels(w.getWorkload())));
        return table + "(state version " + l.getVersion() + ")" + System.lineSeparator();
      });
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one workload.")
  static final class Get extends Admin implements Runnable {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public void run() {
      WorkloadInfo info = call(channel -> stub(channel).getWorkload(GetWorkloadRequest.newBuilder().setId(id).build()));
      print(info, WorkloadCommand::describe);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a workload and its replicas.")
  static final class Delete extends Admin implements Runnable {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public void run() {
      var deleted = call(channel -> stub(channel).deleteWorkload(DeleteWorkloadRequest.newBuilder().setId(id).build()));
      print(deleted, d -> "deleted " + id + " (state version " + d.getVersion() + ")" + System.lineSeparator());
    }
  }
}
