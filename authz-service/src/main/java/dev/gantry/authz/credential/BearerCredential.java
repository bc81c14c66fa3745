package dev.gantry.authz.credential;

import java.util.Map;

/**
 * Reads the credential of a request: {@code Authorization: Bearer <token>} (a JWT, or an API key
 * when it starts {@code gk_}) or {@code X-Api-Key: <key>}. Envoy joins repeated headers with ','
 * (ext_authz without {@code encode_raw_headers}), and neither a token nor a key contains one, so
 * a comma means two headers: ambiguous, refused; so is a request with both headers.
 */
public final class BearerCredential {

  /** What the request carries. */
  public sealed interface Found {}

  /** No Authorization header. */
  public record Absent() implements Found {}

  /** A bearer token. */
  public record Token(String token) implements Found {}

  /** An API key, from either header. */
  public record Key(String key) implements Found {}

  /** A sandbox's preview token ({@code gp_...}): it opens a preview URL, nothing else. */
  public record Preview(String token) implements Found {}

  /** Every preview token starts with this. */
  public static final String PREVIEW_PREFIX = "gp_";

  /** An RFC 9421 signature (Signature-Input and Signature): checked against the whole request. */
  public record Signed() implements Found {}

  /** An Authorization header that cannot be used; the client gets 401. */
  public record Unusable(String reason, String message) implements Found {}

  private BearerCredential() {}

  /** The header an API key may come in. */
  public static final String API_KEY_HEADER = "x-api-key";

  /** The header a bearer token or an API key comes in (lower case). */
  public static final String AUTHORIZATION = "authorization";

  /** The credential's headers: removed before the workload unless it asked for them. */
  public static final java.util.List<String> HEADERS = java.util.List.of(AUTHORIZATION, API_KEY_HEADER);

  public static Found from(Map<String, String> headers) {
    String authorization = headers.get(AUTHORIZATION);
    String apiKey = headers.get(API_KEY_HEADER);
    if (MessageSignatures.isSigned(headers)) {
      if (authorization != null || apiKey != null) {
        return new Unusable("ambiguous-credentials", "a signature and another credential (expected: exactly one credential)");
      }
      return new Signed();
    }
    if (apiKey != null && !apiKey.isEmpty()) {
      if (authorization != null && !authorization.isEmpty()) {
        return new Unusable("ambiguous-credentials", "both Authorization and X-Api-Key (expected: exactly one credential)");
      }
      if (apiKey.indexOf(',') >= 0) {
        return new Unusable("ambiguous-credentials", "more than one X-Api-Key header (expected: exactly one)");
      }
      return new Key(apiKey.trim());
    }
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
    if (token.startsWith(PREVIEW_PREFIX)) {
      return new Preview(token);
    }
    return ApiKeyAuthenticator.isApiKey(token) ? new Key(token) : new Token(token);
  }
}
