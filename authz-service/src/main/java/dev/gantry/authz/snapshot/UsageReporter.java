package dev.gantry.authz.snapshot;

import dev.gantry.authz.usage.QuotaBlocks;
import dev.gantry.authz.usage.UsageLedger;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.QuotaBlock;
import dev.gantry.proto.snapshot.v1.UsageCount;
import dev.gantry.proto.snapshot.v1.UsageReport;
import dev.gantry.proto.snapshot.v1.UsageReportAck;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what this sidecar metered to the control plane, every {@link #INTERVAL_MILLIS} (empty or
 * not: the answer carries the workspaces over a quota, which go to {@link QuotaBlocks}). One
 * report at a time; a report whose answer did not come is sent again, unchanged, before anything
 * newer, so the control plane counts it once (it keeps each reporter's last sequence).
 */
public final class UsageReporter {

  private static final Logger log = LoggerFactory.getLogger(UsageReporter.class);

  /** How often usage is reported: with the control plane's quota check, how late a block may come. */
  public static final long INTERVAL_MILLIS = 1000;

  /**
   * Counts in one report at most (a few hundred KiB, under the control plane's message limit):
   * a backlog, after the control plane was out of reach, goes in several reports, one a second.
   */
  static final int MAX_COUNTS = 2_000;

  private final AuthzSnapshotServiceGrpc.AuthzSnapshotServiceStub stub;
  private final UsageLedger ledger;
  private final QuotaBlocks blocks;
  private final String sidecarId;
  private final String region;
  private final String reporter;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private long sequence;
  /** The report sent last whose answer did not come; sent again before anything newer. */
  private UsageReport unanswered;

  public UsageReporter(Channel channel, UsageLedger ledger, QuotaBlocks blocks, String sidecarId, String region) {
    this.stub = AuthzSnapshotServiceGrpc.newStub(channel);
    this.ledger = ledger;
    this.blocks = blocks;
    this.sidecarId = sidecarId;
    this.region = region;
    this.reporter = sidecarId + "/" + UUID.randomUUID();
  }

  /** Sends the next report, unless one is on its way. Called every {@link #INTERVAL_MILLIS}. */
  public void tick() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    UsageReport report;
    synchronized (this) {
      if (unanswered == null) {
        unanswered = next();
      }
      report = unanswered;
    }
    stub.withDeadlineAfter(5, TimeUnit.SECONDS).reportUsage(report, new StreamObserver<>() {
      @Override
      public void onNext(UsageReportAck ack) {
        List<QuotaBlocks.Block> next = new ArrayList<>(ack.getBlocksCount());
        for (QuotaBlock block : ack.getBlocksList()) {
          next.add(new QuotaBlocks.Block(block.getWorkspace(), Instant.ofEpochSecond(block.getUntilEpochSeconds()),
              block.getQuota()));
        }
        blocks.replace(next);
        answered(report);
      }

      @Override
      public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.INVALID_ARGUMENT || status.getCode() == Status.Code.UNIMPLEMENTED) {
          // Sending it again would be refused again: this usage is lost (and said so).
          log.warn("usage report {} refused by the control plane, dropped ({} counts): {}",
              report.getSequence(), report.getCountsCount(), status);
          answered(report);
        } else {
          log.debug("usage report {} not answered ({}); sending it again", report.getSequence(), status);
          inFlight.set(false);
        }
      }

      @Override
      public void onCompleted() {}
    });
  }

  /**
   * Sends what is pending (reports until nothing is, or {@code within} has passed): when the
   * sidecar stops. Usage still pending after it is lost, and logged.
   */
  public void flush(java.time.Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      boolean idle;
      synchronized (this) {
        idle = !inFlight.get() && unanswered == null && !ledger.hasPending();
      }
      if (idle) {
        return;
      }
      tick();
      TimeUnit.MILLISECONDS.sleep(20);
    }
    log.warn("usage not reported when the sidecar stopped: the control plane did not answer within {}", within);
  }

  private synchronized void answered(UsageReport report) {
    if (unanswered == report) {
      unanswered = null;
    }
    inFlight.set(false);
  }

  private UsageReport next() {
    UsageReport.Builder report = UsageReport.newBuilder()
        .setSidecarId(sidecarId).setRegion(region).setReporter(reporter).setSequence(++sequence);
    for (Map.Entry<UsageLedger.Pending, UsageLedger.Counts> entry : ledger.drain(MAX_COUNTS).entrySet()) {
      UsageLedger.Key key = entry.getKey().key();
      UsageLedger.Counts c = entry.getValue();
      report.addCounts(UsageCount.newBuilder()
          .setWorkspace(key.workspace()).setWorkload(key.workload()).setCredential(key.credential())
          .setMinuteEpochSeconds(entry.getKey().minute())
          .setRequests(c.requests()).setInputTokens(c.inputTokens()).setOutputTokens(c.outputTokens())
          .setCachedTokens(c.cachedTokens()).setBytes(c.bytes()).setWithoutUsage(c.withoutUsage())
          .setIncomplete(c.incomplete()));
    }
    return report.build();
  }
}
