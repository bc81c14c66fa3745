package dev.gantry.controlplane.usage;

import dev.gantry.proto.snapshot.v1.UsageCount;
import dev.gantry.proto.snapshot.v1.UsageReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes sidecars' usage reports into the {@link UsageBook}: each report once (a report sent
 * again after its answer was lost carries the same reporter and sequence), each count checked.
 * The sequences are remembered in memory: a report repeated across a control-plane restart, or
 * sent again to another control-plane replica, may be counted twice (docs/operations.md).
 */
public final class UsageIntake {

  /** Reporters remembered at most (the oldest forgotten first): far more than sidecars. */
  private static final int MAX_REPORTERS = 10_000;

  /** Credential ids longer than this are cut (a token's jti may be long; the id is for people). */
  static final int MAX_CREDENTIAL = 200;

  /**
   * The most one count of one minute may say (2^50: a thousand times what a sidecar could meter
   * in a minute); a report beyond it is refused, so sums stay far from overflowing.
   */
  static final long MAX_COUNT = 1L << 50;

  private final UsageBook book;
  private final Map<String, Long> lastSequence = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_REPORTERS;
    }
  };

  public UsageIntake(UsageBook book) {
    this.book = book;
  }

  /**
   * Adds the report's usage, unless it was added before.
   *
   * @throws IllegalArgumentException for a malformed count (nothing of the report is added)
   */
  public void accept(UsageReport report) {
    List<UsageMinute> minutes = new ArrayList<>(report.getCountsCount());
    for (UsageCount count : report.getCountsList()) {
      String credential = count.getCredential().length() > MAX_CREDENTIAL
          ? count.getCredential().substring(0, MAX_CREDENTIAL) : count.getCredential();
      if (count.getWorkspace().isEmpty() || count.getWorkload().isEmpty() || credential.isEmpty()) {
        throw new IllegalArgumentException("a usage count without workspace, workload or credential");
      }
      for (long value : new long[] {count.getRequests(), count.getInputTokens(), count.getOutputTokens(),
          count.getCachedTokens(), count.getBytes(), count.getWithoutUsage(), count.getIncomplete()}) {
        if (value < 0 || value > MAX_COUNT) {
          throw new IllegalArgumentException("a usage count of " + Long.toUnsignedString(value) + " (expected: at most 2^50)");
        }
      }
      minutes.add(new UsageMinute(count.getWorkspace(), count.getWorkload(), credential, report.getRegion(),
          count.getMinuteEpochSeconds(), new UsageCounts(count.getRequests(), count.getInputTokens(),
              count.getOutputTokens(), count.getCachedTokens(), count.getBytes(), count.getWithoutUsage(),
              count.getIncomplete())));
    }
    synchronized (lastSequence) {
      Long last = lastSequence.get(report.getReporter());
      if (last != null && report.getSequence() <= last) {
        return;
      }
      if (!minutes.isEmpty()) {
        book.add(minutes);
      }
      lastSequence.put(report.getReporter(), report.getSequence());
    }
  }
}
