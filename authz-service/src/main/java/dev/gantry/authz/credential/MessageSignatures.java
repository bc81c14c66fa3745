package dev.gantry.authz.credential;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.SigningKeyEntry;
import dev.gantry.pki.Base64Spelling;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 9421 HTTP Message Signatures, as Gantry accepts them: one signature ({@code
 * Signature-Input} and {@code Signature}, the first label; no label repeated in either), covering
 * at least {@code @method}, {@code @authority} and {@code @path}, {@code @query} when the request
 * has a query, and, when the request has a body, {@code content-digest} (RFC 9530, checked
 * against the body), each component once; {@code created} required and at most {@value
 * #WINDOW_SECONDS} s old ({@code expires} honoured); {@code keyid} naming a public key
 * registered to a workspace; Ed25519 or ECDSA P-256 with SHA-256. A {@code nonce}, when given, is
 * remembered for the window, so the same signature is refused a second time. Never blocks,
 * makes no call; nothing secret is in a message.
 *
 * <p>Signed header fields must be single-valued: Envoy hands repeated fields over joined with
 * {@code ,}, while RFC 9421 joins them with {@code , }.
 */
public final class MessageSignatures {

  /** The headers that carry a signature (lower case). */
  public static final String SIGNATURE = "signature";
  public static final String SIGNATURE_INPUT = "signature-input";

  /** The credential's headers: removed before the workload unless it asked for them. */
  public static final List<String> HEADERS = List.of(SIGNATURE, SIGNATURE_INPUT);

  /** How old {@code created} may be: the replay window. */
  public static final long WINDOW_SECONDS = 60;

  /** The longest a signed request's stream may last, whatever its {@code expires} says. */
  static final long MAX_LIFETIME_SECONDS = 86_400;

  /** How far ahead of this clock {@code created} may be. */
  static final Duration FUTURE_SKEW = Duration.ofSeconds(30);

  /**
   * Nonces remembered at most per workspace; past it, that workspace's signatures with a nonce
   * are refused until its old ones expire. Per workspace, so one tenant's flood of nonces never
   * refuses another's.
   */
  static final int MAX_NONCES_PER_WORKSPACE = 250_000;

  private static final List<String> REQUIRED = List.of("@method", "@authority", "@path");

  private final Clock clock;
  private final long noncesPerWorkspace;
  private final Map<String, Nonces> nonces = new ConcurrentHashMap<>();

  public MessageSignatures(Clock clock) {
    this(clock, MAX_NONCES_PER_WORKSPACE);
  }

  /** With room for {@code noncesPerWorkspace} live nonces in each workspace: for tests. */
  MessageSignatures(Clock clock, long noncesPerWorkspace) {
    this.clock = clock;
    this.noncesPerWorkspace = noncesPerWorkspace;
  }

  /** True when the request carries a signature. */
  public static boolean isSigned(Map<String, String> headers) {
    return headers.containsKey(SIGNATURE_INPUT) || headers.containsKey(SIGNATURE);
  }


  /** Verifies the request's signature against the registered keys. */
  public Authentication verify(RequestFacts request, Map<String, SigningKeyEntry> keys, byte[] body) {
    Map<String, String> headers = request.headers();
    String input = headers.get(SIGNATURE_INPUT);
    String signatureHeader = headers.get(SIGNATURE);
    if (input == null || signatureHeader == null) {
      return refused("malformed-signature", "a signed request needs both Signature-Input and Signature");
    }
    // RFC 8941 resolves a repeated dictionary key last-wins, a reader that takes the first one
    // sees another signature than one that takes the last: a repeated label is refused outright.
    String repeated = SignatureInput.repeatedLabel(input);
    if (repeated == null) {
      repeated = SignatureInput.repeatedLabel(signatureHeader);
    }
    if (repeated != null) {
      return refused("malformed-signature", "the label '" + repeated + "' appears twice in Signature-Input or Signature"
          + " (expected: each label once)");
    }
    SignatureInput member;
    try {
      member = SignatureInput.parse(input);
    } catch (IllegalArgumentException e) {
      return refused("malformed-signature", "Signature-Input: " + e.getMessage());
    }
    String encoded = signatureOf(signatureHeader, member.label());
    if (encoded == null) {
      return refused("malformed-signature", "Signature has no value for label '" + member.label() + "' (expected: "
          + member.label() + "=:<base64>:)");
    }
    byte[] signature = Base64Spelling.decodeCanonical(encoded);
    if (signature == null) {
      return refused("non-canonical-signature", "the Signature for label '" + member.label() + "' is not canonical"
          + " base64 (expected: the standard alphabet, with padding, no stray bits)");
    }
    for (String required : REQUIRED) {
      if (!member.components().contains(required)) {
        return refused("signature-incomplete", "the signature does not cover " + required
            + " (expected at least: @method, @authority, @path, and content-digest with a body)");
      }
    }
    // A query the signature does not cover could be anything: a request with one must sign it.
    String target = request.path() == null ? "/" : request.path();
    if (target.indexOf('?') >= 0 && !member.components().contains("@query")) {
      return refused("signature-incomplete", "the request has a query, which the signature does not cover"
          + " (expected: @query among the components)");
    }
    // Envoy sends a signed request's body, whatever its framing (the signed-body route), so an
    // empty one here is an empty one; declared lengths are a second witness.
    boolean hasBody = body != null && body.length > 0 || hasDeclaredBody(headers);
    if (hasBody && !member.components().contains("content-digest")) {
      return refused("digest-required", "a request with a body must sign content-digest (RFC 9530)");
    }
    if (member.components().contains("content-digest")) {
      String problem = ContentDigest.check(headers.get(ContentDigest.HEADER), body);
      if (problem != null) {
        return refused("digest-mismatch", problem);
      }
    }
    Object createdParam = member.params().get("created");
    if (!(createdParam instanceof Long created)) {
      return refused("signature-missing-created", "the signature has no created parameter (expected: created=<unix time>)");
    }
    // Times are compared as the numbers they are: a client's number never becomes an Instant
    // (or a Duration) unless it is within a range those can hold.
    Instant now = clock.instant();
    long nowSeconds = now.getEpochSecond();
    if (created < nowSeconds - WINDOW_SECONDS) {
      return refused("signature-stale", "the signature was created at " + created
          + " (unix time), more than " + WINDOW_SECONDS + " s ago (sign each request anew)");
    }
    if (created > nowSeconds + FUTURE_SKEW.toSeconds()) {
      return refused("signature-from-future", "the signature claims to be created at " + created + " (unix time), in the future");
    }
    Long expiresParam = member.params().get("expires") instanceof Long e ? e : null;
    if (expiresParam != null && expiresParam <= nowSeconds) {
      return refused("signature-expired", "the signature expired at " + expiresParam + " (unix time)");
    }
    // A signature vouches for one request; a later "expires" bounds its stream at most a day on.
    Instant expires = expiresParam == null ? null : Instant.ofEpochSecond(Math.min(expiresParam, created + MAX_LIFETIME_SECONDS));
    if (!(member.params().get("keyid") instanceof String keyId)) {
      return refused("malformed-signature", "the signature has no keyid parameter");
    }
    SigningKeyEntry key = keys.get(keyId);
    if (key == null) {
      return refused("unknown-signing-key", "no signing key '" + keyId + "' is registered");
    }
    if (member.params().get("alg") instanceof String alg && !alg.equals(key.alg())) {
      return refused("signature-alg-mismatch", "alg '" + alg + "' but key '" + keyId + "' is " + key.alg());
    }
    String base;
    try {
      base = signatureBase(request, member);
    } catch (IllegalArgumentException e) {
      return refused("signature-incomplete", e.getMessage());
    }
    if (!SigningKeys.verifies(key, base.getBytes(StandardCharsets.UTF_8), signature)) {
      return refused("bad-signature", "the signature does not verify with key '" + keyId + "'");
    }
    if (member.params().get("nonce") instanceof String nonce) {
      // Remembered until the signature could no longer be accepted: the window after created.
      Instant forgetAt = Instant.ofEpochSecond(created + WINDOW_SECONDS + FUTURE_SKEW.toSeconds());
      Nonces workspaceNonces = nonces.computeIfAbsent(key.workspace(), w -> new Nonces(noncesPerWorkspace, clock));
      switch (workspaceNonces.remember(keyId + " " + nonce, forgetAt)) {
        case REPLAYED -> {
          return refused("signature-replayed", "this signature (nonce) was used before");
        }
        case FULL -> {
          return refused("nonce-cache-full", "too many of this workspace's signed requests with a nonce within"
              + " the replay window; try again shortly");
        }
        case NEW -> { }
      }
    }
    return new Authentication.Authenticated(new Principal(
        key.workspace(), "key:" + keyId, "signature", keyId, key.scopes(), expires));
  }

  private static boolean hasDeclaredBody(Map<String, String> headers) {
    String length = headers.get("content-length");
    return length != null && !length.equals("0") || headers.containsKey("transfer-encoding");
  }

  /** The RFC 9421 signature base of {@code request} for the components of {@code member}. */
  static String signatureBase(RequestFacts request, SignatureInput member) {
    StringBuilder base = new StringBuilder(256);
    String path = request.path() == null ? "/" : request.path();
    int query = path.indexOf('?');
    for (String component : member.components()) {
      String value = switch (component) {
        // As sent: methods are case-sensitive (RFC 9421 §2.2.1), "get" is not GET.
        case "@method" -> request.method();
        case "@authority" -> request.authority().toLowerCase(java.util.Locale.ROOT);
        case "@path" -> query < 0 ? path : path.substring(0, query);
        case "@query" -> query < 0 ? "?" : path.substring(query);
        default -> {
          if (component.startsWith("@")) {
            throw new IllegalArgumentException("component " + component + " is not supported (use @method, @authority,"
                + " @path, @query and header fields)");
          }
          String header = request.headers().get(component);
          if (header == null) {
            throw new IllegalArgumentException("the signature covers " + component + ", which the request does not carry");
          }
          yield header.strip();
        }
      };
      base.append('"').append(component).append("\": ").append(value).append('\n');
    }
    return base.append("\"@signature-params\": ").append(member.serialized()).toString();
  }



  /** The base64 between the colons of {@code label}'s member of the Signature header, or null. */
  private static String signatureOf(String header, String label) {
    for (String member : header.split(",")) {
      String trimmed = member.strip();
      if (trimmed.startsWith(label + "=:") && trimmed.endsWith(":") && trimmed.length() > label.length() + 3) {
        return trimmed.substring(label.length() + 2, trimmed.length() - 1);
      }
    }
    return null;
  }

  private static Authentication.Refused refused(String reason, String message) {
    return new Authentication.Refused(reason, message);
  }
}
