package dev.gantry.authz.engine;

import dev.gantry.routing.Affinity;
import java.util.Map;

/**
 * The affinity key of a request to a workload that asked for affinity: the value of the header
 * or cookie it named, which the sidecar copies to {@link dev.gantry.routing.GatewayHeaders#AFFINITY}
 * for the route to hash. Pure.
 */
final class AffinityKeys {

  private AffinityKeys() {}

  /** The key, or null when the workload asked for none or the request carries none. */
  static String of(Affinity affinity, Map<String, String> headers) {
    if (affinity == null) {
      return null;
    }
    return switch (affinity.source()) {
      case HEADER -> blankToNull(headers.get(affinity.name()));
      case COOKIE -> cookie(headers.get("cookie"), affinity.name());
    };
  }

  /**
   * The value of cookie {@code name} in a {@code Cookie} header (several headers arrive joined
   * with {@code ,} or {@code ;}: neither can be part of a cookie, RFC 6265 4.1.1); the first one
   * wins.
   */
  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    int start = 0;
    while (start < header.length()) {
      int end = start;
      while (end < header.length() && header.charAt(end) != ';' && header.charAt(end) != ',') {
        end++;
      }
      String pair = header.substring(start, end).strip();
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
        return blankToNull(pair.substring(equals + 1).strip());
      }
      start = end + 1;
    }
    return null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
