package dev.gantry.controlplane.usage;

import dev.gantry.proto.snapshot.v1.QuotaBlock;
import dev.gantry.proto.snapshot.v1.UsageReport;
import dev.gantry.proto.snapshot.v1.UsageReportAck;

/** A sidecar's usage report, taken in; the answer: every workspace over a quota now. */
public final class UsageReports {

  private final UsageIntake intake;
  private final QuotaBoard quotas;

  public UsageReports(UsageIntake intake, QuotaBoard quotas) {
    this.intake = intake;
    this.quotas = quotas;
  }

  /**
   * @throws IllegalArgumentException for a malformed report (nothing of it is counted)
   */
  public UsageReportAck report(UsageReport report) {
    intake.accept(report);
    UsageReportAck.Builder ack = UsageReportAck.newBuilder();
    for (QuotaBoard.Block block : quotas.blocks()) {
      ack.addBlocks(QuotaBlock.newBuilder().setWorkspace(block.workspace())
          .setUntilEpochSeconds(block.until().getEpochSecond()).setQuota(block.quota()));
    }
    return ack.build();
  }
}
