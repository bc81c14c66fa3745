package dev.gantry.authz.credential;

import java.util.Map;

/**
 * Reads the bearer token of a request: {@code Authorization: Bearer <token>}. Envoy joins
 * repeated headers with ',' (ext_authz without {@code encode_raw_headers}), and a token never
 * contains one, so a comma means two Authorization headers: ambiguous, refused.
 */
public final class BearerCredential {

  /** What the request carries. */
  public sealed interface Found {}

  /** No Authorization header. */
  public record Absent() implements Found {}

  /** A bearer token. */
  public record Token(String token) implements Found {}

  /** An Authorization header that cannot be used; the client gets 401. */
  public record Unusable(String reason, String message) implements Found {}

  private BearerCredential() {}

  public static Found from(Map<String, String> headers) {
    String authorization = headers.get("authorization");
    if (authorization == null || authorization.isEmpty()) {
      return new Absent();
    }
    if (authorization.indexOf(',') >= 0) {
      return new Unusable("ambiguous-credentials", "more than one Authorization header (expected: exactly one)");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Unusable("unsupported-scheme", "Authorization scheme (expected: Bearer <token>)");
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty()) {
      return new Unusable("malformed-token", "empty bearer token (expected: Bearer <token>)");
    }
    return new Token(token);
  }
}
