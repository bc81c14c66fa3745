package dev.gantry.authz.usage;

import java.util.HashMap;
import java.util.Map;

/**
 * What this sidecar's gateway has metered, by who used it: each observed response of a metered
 * workload adds a request, its body bytes and the tokens it reported. Thread-safe; one short lock
 * per response (never per chunk).
 */
public final class UsageLedger {

  /**
   * Whom usage is counted to.
   *
   * @param workspace the workload's workspace (it pays, whoever called)
   * @param workload the workload
   * @param credential the caller's credential id; {@code anonymous} for a public workload's
   *     caller without one
   * @param region where the client entered
   */
  public record Key(String workspace, String workload, String credential, String region) {}

  /**
   * Counts for one key.
   *
   * @param requests responses observed (to their end or not)
   * @param inputTokens input tokens reported, cached ones included
   * @param outputTokens output tokens reported
   * @param cachedTokens the cached part of the input tokens
   * @param bytes response body bytes
   * @param withoutUsage responses that ended without a usage object that could be read
   * @param incomplete responses whose observation ended before their end (a client gone, a
   *     stream reset, the observation itself failing): their usage, if any, was not seen
   */
  public record Counts(
      long requests, long inputTokens, long outputTokens, long cachedTokens, long bytes, long withoutUsage,
      long incomplete) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0);

    /** The sum; a count that would overflow stays at the largest long. */
    Counts plus(Counts other) {
      return new Counts(add(requests, other.requests), add(inputTokens, other.inputTokens),
          add(outputTokens, other.outputTokens), add(cachedTokens, other.cachedTokens), add(bytes, other.bytes),
          add(withoutUsage, other.withoutUsage), add(incomplete, other.incomplete));
    }

    private static long add(long a, long b) {
      long sum = a + b;
      return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Input and output tokens: what a token budget counts. */
    public long totalTokens() {
      return inputTokens + outputTokens;
    }
  }

  /**
   * Counts of one key in one minute, not yet reported.
   *
   * @param minute the minute's start, epoch seconds
   */
  public record Pending(Key key, long minute) {}

  /**
   * Keys the running totals keep at most (a credential id per token can make many): beyond, a
   * new key's counts go to its workload's {@link #OTHER} credential. The pending minutes, which
   * the reporter drains every second, keep every key.
   */
  static final int MAX_TOTAL_KEYS = 10_000;

  /** The credential of totals beyond {@link #MAX_TOTAL_KEYS}. */
  static final String OTHER = "(other)";

  private final Map<Key, Counts> counts = new HashMap<>();
  private final Map<Pending, Counts> pending = new java.util.LinkedHashMap<>();

  /**
   * One observed response.
   *
   * @param usage what it reported; null for none
   * @param bytes its body bytes
   * @param complete whether it was observed to its end
   * @param at when it ended (its minute is the one it is reported in)
   */
  public void record(Key key, Usage usage, long bytes, boolean complete, java.time.Instant at) {
    Usage used = usage == null ? Usage.NONE : usage;
    Counts one = new Counts(1, used.inputTokens(), used.outputTokens(), used.cachedTokens(), bytes,
        complete && usage == null ? 1 : 0, complete ? 0 : 1);
    long minute = Math.floorDiv(at.getEpochSecond(), 60) * 60;
    synchronized (counts) {
      Key total = counts.containsKey(key) || counts.size() < MAX_TOTAL_KEYS ? key
          : new Key(key.workspace(), key.workload(), OTHER, key.region());
      counts.merge(total, one, Counts::plus);
      pending.merge(new Pending(key, minute), one, Counts::plus);
    }
  }

  /** Whether anything counted was not yet drained. */
  public boolean hasPending() {
    synchronized (counts) {
      return !pending.isEmpty();
    }
  }

  /** At most {@code max} of what was counted since it was last drained, by key and minute, oldest first; those are no longer pending. */
  public Map<Pending, Counts> drain(int max) {
    synchronized (counts) {
      Map<Pending, Counts> drained = new HashMap<>();
      var entries = pending.entrySet().iterator();
      while (entries.hasNext() && drained.size() < max) {
        Map.Entry<Pending, Counts> entry = entries.next();
        drained.put(entry.getKey(), entry.getValue());
        entries.remove();
      }
      return drained;
    }
  }

  /** Everything counted so far, by key. */
  public Map<Key, Counts> totals() {
    synchronized (counts) {
      return Map.copyOf(counts);
    }
  }
}
