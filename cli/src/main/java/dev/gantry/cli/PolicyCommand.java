package dev.gantry.cli;

import dev.gantry.proto.admin.v1.PolicyServiceGrpc;
import dev.gantry.proto.admin.v1.SetLocationPolicyRequest;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Location policies: where a workspace's or a workload's traffic may be served.",
    subcommands = {PolicyCommand.Set.class})
final class PolicyCommand {

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Replace the location policy of a workspace or a workload (no list given: any region).")
  static final class Set extends Admin implements Runnable {

    static final class Target {
      @Option(names = "--workspace", required = true, description = "the workspace's policy")
      String workspace;

      @Option(names = "--workload", required = true, description = "the workload's own policy")
      String workload;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @ArgGroup(exclusive = false)
    Policies policy = new Policies();

    @Override
    public void run() {
      SetLocationPolicyRequest.Builder request = SetLocationPolicyRequest.newBuilder()
          .setPolicy((policy == null ? new Policies() : policy).toProto());
      if (target.workspace != null) {
        request.setWorkspace(target.workspace);
      } else {
        request.setWorkload(target.workload);
      }
      var set = call(channel -> PolicyServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS).setLocationPolicy(request.build()));
      print(set, s -> "policy of " + (target.workspace != null ? "workspace " + target.workspace : target.workload) + ": "
          + Policies.describe(s.getPolicy()) + " → allowed " + String.join(", ", s.getAllowedRegionsList())
          + " (state version " + s.getVersion() + ")" + System.lineSeparator());
    }
  }
}
