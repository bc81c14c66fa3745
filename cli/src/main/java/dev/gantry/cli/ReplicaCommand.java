package dev.gantry.cli;

import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.ListReplicasRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replica", mixinStandardHelpOptions = true,
    description = "Add, remove and list replicas (where a gateway sends a workload's traffic).",
    subcommands = {ReplicaCommand.Add.class, ReplicaCommand.Remove.class, ReplicaCommand.List.class})
final class ReplicaCommand {

  static ReplicaServiceGrpc.ReplicaServiceBlockingStub stub(io.grpc.Channel channel) {
    return ReplicaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  abstract static class Target extends Admin {
    @Parameters(paramLabel = "WORKLOAD")
    String workload;

    @Option(names = "--region", required = true, description = "the region it runs in")
    String region;

    @Option(names = "--address", required = true, paramLabel = "IP:PORT", description = "where it listens")
    String address;

    dev.gantry.proto.fleet.v1.Replica replica() {
      return dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload(workload).setRegion(region).setAddress(address).build();
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a replica that stays until removed (replicas that register themselves hold a lease instead).")
  static final class Add extends Target implements Runnable {
    @Override
    public void run() {
      var added = call(channel -> stub(channel).registerReplica(RegisterReplicaRequest.newBuilder()
          .setReplica(replica()).setPermanent(true).build()));
      print(added, a -> "added replica " + a.getReplica().getAddress() + " of " + a.getReplica().getWorkload() + " in "
          + a.getReplica().getRegion() + System.lineSeparator());
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a replica.")
  static final class Remove extends Target implements Runnable {
    @Override
    public void run() {
      var removed = call(channel -> stub(channel).deregisterReplica(DeregisterReplicaRequest.newBuilder()
          .setReplica(replica()).build()));
      print(removed, r -> "removed replica " + address + " of " + workload + " in " + region
          + " (state version " + r.getVersion() + ")" + System.lineSeparator());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List replicas.")
  static final class List extends Admin implements Runnable {
    @Parameters(paramLabel = "WORKLOAD", arity = "0..1", description = "only this workload's")
    String workload;

    @Override
    public void run() {
      var list = call(channel -> stub(channel).listReplicas(
          ListReplicasRequest.newBuilder().setWorkload(workload == null ? "" : workload).build()));
      print(list, l -> {
        Table table = new Table("WORKLOAD", "REGION", "ADDRESS", "LEASED");
        l.getReplicasList().forEach(r -> table.row(
            r.getReplica().getWorkload(), r.getReplica().getRegion(), r.getReplica().getAddress(), r.getLeased() ? "yes" : "no"));
        return table.toString();
      });
    }
  }
}
