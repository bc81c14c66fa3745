package dev.gantry.routing;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A workload's opt-in request affinity: requests carrying the same value of a header or cookie
 * the workload names go to the same replica (consistent hashing, so a replica joining or leaving
 * moves only its share of the keys). Written {@code header:<name>} or {@code cookie:<name>};
 * none by default. The sidecar copies the value to {@link GatewayHeaders#AFFINITY}, which the
 * gateway's routes hash on. MCP sessions need none of this: {@code Mcp-Session-Id} is followed
 * for every workload.
 *
 * @param source where the value is read from
 * @param name the header (lower case) or cookie name
 */
public record Affinity(Source source, String name) {

  /** Where the key is read from. */
  public enum Source {
    /** A request header. */
    HEADER,
    /** A cookie of the {@code Cookie} header. */
    COOKIE
  }

  /** What a malformed setting is told it should be. */
  public static final String EXPECTED = "header:<name> or cookie:<name> (a header name of [a-z0-9-], 1 to 64, not a"
      + " credential or gateway header; a cookie name of RFC 6265 token characters, 1 to 64)";

  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

  /** Headers that cannot be an affinity key: credentials (never hashed into routing) and hop or routing headers. */
  private static final Set<String> REFUSED_HEADERS = Set.of(
      "authorization", "x-api-key", "signature", "signature-input", "cookie", "host", "content-length",
      "transfer-encoding", "connection", "upgrade", "te", "mcp-session-id");

  public Affinity {
    if (source == null || name == null
        || (source == Source.HEADER ? !isHeaderName(name) : !isCookieName(name))) {
      throw new IllegalArgumentException("affinity " + (source == null ? "" : source.name().toLowerCase(Locale.ROOT))
          + ":" + name + " (expected: " + EXPECTED + ")");
    }
  }

  /**
   * The setting as written, or null for none (an empty string).
   *
   * @throws IllegalArgumentException when it is malformed, with what was expected
   */
  public static Affinity parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String name = colon < 0 ? "" : text.substring(colon + 1);
    return switch (kind) {
      case "header" -> new Affinity(Source.HEADER, name.toLowerCase(Locale.ROOT));
      case "cookie" -> new Affinity(Source.COOKIE, name);
      default -> throw new IllegalArgumentException("affinity '" + text + "' (expected: " + EXPECTED + ")");
    };
  }

  /** The setting as {@link #parse} reads it. */
  @Override
  public String toString() {
    return source.name().toLowerCase(Locale.ROOT) + ":" + name;
  }

  /** A cookie name, but not the gateway's own (a preview token's cookie must never become a key the workload sees). */
  private static boolean isCookieName(String name) {
    return COOKIE_NAME.matcher(name).matches() && !name.toLowerCase(Locale.ROOT).startsWith("__host-gantry");
  }

  private static boolean isHeaderName(String name) {
    return HEADER_NAME.matcher(name).matches() && !REFUSED_HEADERS.contains(name) && !name.startsWith(":")
        && !GatewayHeaders.clientMayNotSend(name);
  }
}
