package dev.gantry.routing;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a workload's responses carry their usage object when it is not OpenAI's {@code usage}:
 * JSON object keys joined by dots ({@code meta.billing.usage}). The object found there is read
 * like OpenAI's usage object (the authz-service's UsageReader says which fields). Pure.
 *
 * @param keys the keys, outermost first; never empty
 */
public record UsagePath(List<String> keys) {

  /** A key: letters, digits, {@code _} and {@code -}, at most 64 characters. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** At most this many keys deep. */
  static final int MAX_DEPTH = 8;

  public UsagePath {
    keys = List.copyOf(keys);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a usage path names at least one key");
    }
  }

  /**
   * Parses {@code a.b.c}.
   *
   * @throws IllegalArgumentException with what is wrong, for a path that is not one
   */
  public static UsagePath parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a usage path names at least one key");
    }
    List<String> keys = List.of(text.split("\\.", -1));
    if (keys.size() > MAX_DEPTH) {
      throw new IllegalArgumentException("usage path '" + text + "' is deeper than " + MAX_DEPTH + " keys");
    }
    for (String key : keys) {
      if (!KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("usage path '" + text
            + "': each key is 1-64 letters, digits, '_' or '-', joined by '.' (e.g. meta.usage)");
      }
    }
    return new UsagePath(keys);
  }

  @Override
  public String toString() {
    return String.join(".", keys);
  }
}
