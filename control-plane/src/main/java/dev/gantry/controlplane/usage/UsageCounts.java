package dev.gantry.controlplane.usage;

/**
 * What some metered responses used.
 *
 * @param requests responses observed
 * @param inputTokens input tokens (cached ones included)
 * @param outputTokens output tokens
 * @param cachedTokens the cached part of the input
 * @param bytes response body bytes
 * @param withoutUsage responses that reported no usage that could be read
 * @param incomplete responses whose observation ended before they did
 */
public record UsageCounts(
    long requests, long inputTokens, long outputTokens, long cachedTokens, long bytes, long withoutUsage,
    long incomplete) {

  public static final UsageCounts ZERO = new UsageCounts(0, 0, 0, 0, 0, 0, 0);

  public UsageCounts {
    if (requests < 0 || inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || bytes < 0 || withoutUsage < 0
        || incomplete < 0) {
      throw new IllegalArgumentException("usage counts are never negative");
    }
  }

  /** The sum; a count that would overflow stays at the largest long. */
  public UsageCounts plus(UsageCounts other) {
    return new UsageCounts(add(requests, other.requests), add(inputTokens, other.inputTokens),
        add(outputTokens, other.outputTokens), add(cachedTokens, other.cachedTokens), add(bytes, other.bytes),
        add(withoutUsage, other.withoutUsage), add(incomplete, other.incomplete));
  }

  /** Input and output tokens: what a token budget counts. */
  public long tokens() {
    return add(inputTokens, outputTokens);
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
