package dev.gantry.cli;

import dev.gantry.proto.admin.v1.AuditServiceGrpc;
import dev.gantry.proto.admin.v1.ListAuditRequest;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Every admin call that tried to change the fleet: who, what, when, outcome (refused ones too; operators only).")
final class AuditCommand extends Admin implements Runnable {

  @Option(names = "--limit", defaultValue = "50", description = "the newest this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--principal", description = "only this identity's calls, e.g. spiffe://gantry/workspace-admin/demo/admin")
  String principal;

  @Override
  public void run() {
    var list = call(channel -> AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .listAudit(ListAuditRequest.newBuilder().setLimit(limit).setPrincipal(principal == null ? "" : principal).build()));
    print(list, l -> {
      Table table = new Table("#", "AT", "WHO", "CALL", "OUTCOME", "REQUEST");
      l.getRecordsList().forEach(r -> table.row(r.getSequence(), Instant.ofEpochMilli(r.getAtEpochMillis()), r.getPrincipal(),
          r.getMethod().replaceFirst("^gantry\\.admin\\.v1\\.", ""),
          r.getOutcome() + (r.getDetail().isEmpty() ? "" : ": " + r.getDetail()), r.getRequest()));
      return table.toString();
    });
  }
}
