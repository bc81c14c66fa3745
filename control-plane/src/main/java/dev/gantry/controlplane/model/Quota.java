package dev.gantry.controlplane.model;

import java.time.Instant;
import java.util.Locale;

/**
 * A workspace's budget for one calendar window (UTC): its metered workloads' usage, all regions
 * together, may reach {@code tokens} (input + output) and {@code requests} in each window; once
 * either is reached they refuse new requests until the window ends.
 *
 * @param window the window
 * @param tokens input + output tokens per window; 0 = no token budget
 * @param requests requests per window; 0 = no request budget
 */
public record Quota(Window window, long tokens, long requests) {

  /** A calendar window, UTC. */
  public enum Window {
    MINUTE(60), HOUR(3600), DAY(86_400);

    private final long seconds;

    Window(long seconds) {
      this.seconds = seconds;
    }

    public long seconds() {
      return seconds;
    }

    /** The start of the window {@code at} falls in. */
    public Instant start(Instant at) {
      return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for anything but minute, hour or day
     */
    public static Window parse(String text) {
      for (Window window : values()) {
        if (window.label().equals(text)) {
          return window;
        }
      }
      throw new IllegalArgumentException("quota window '" + text + "' (expected: minute, hour or day)");
    }
  }

  public Quota {
    java.util.Objects.requireNonNull(window, "window");
    if (tokens < 0 || requests < 0 || (tokens == 0 && requests == 0)) {
      throw new IllegalArgumentException("a quota per " + window.label()
          + " (expected: a positive number of tokens, of requests, or both)");
    }
  }

  /** The budget in words, e.g. {@code 100000 tokens per hour}. */
  public String describe() {
    String tokenPart = tokens > 0 ? tokens + " tokens" : "";
    String requestPart = requests > 0 ? requests + " requests" : "";
    return tokenPart + (tokens > 0 && requests > 0 ? " and " : "") + requestPart + " per " + window.label();
  }
}
