package dev.gantry.controlplane.model;

import dev.gantry.routing.Product;
import java.time.Duration;

/**
 * How long one request/response stream to a workload may last before the gateway ends it,
 * unless the workload sets its own. Long enough for the traffic each product carries: agents
 * waiting on LLMs and MCP sessions held open over SSE last minutes to an hour; a sandbox exec
 * session can run a working day. Never the 15 s Envoy route default.
 */
public final class StreamLimits {

  private StreamLimits() {}

  /** The limit for a product's workloads when the workload does not set one. */
  public static Duration defaultFor(Product product) {
    return switch (product) {
      case AGENT, MCP_SERVER -> Duration.ofHours(1);
      case SANDBOX -> Duration.ofHours(8);
    };
  }

  /**
   * Parses a duration as configs write it: {@code 90s}, {@code 10m}, {@code 2h}.
   *
   * @throws IllegalArgumentException saying what is expected
   */
  public static Duration parse(String value) {
    if (value != null && value.matches("[1-9][0-9]{0,6}[smh]")) {
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (value.charAt(value.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    throw new IllegalArgumentException("duration '" + value + "' (expected: a whole number with s, m or h, e.g. 90s, 10m, 2h)");
  }

  /** Writes a duration as {@link #parse} reads it, in the largest whole unit: {@code 1h}, {@code 90s}. */
  public static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds > 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds > 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
