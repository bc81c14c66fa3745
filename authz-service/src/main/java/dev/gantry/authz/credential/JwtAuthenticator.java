package dev.gantry.authz.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a bearer JWT against the issuers the workspaces trust: size, algorithm, issuer, key
 * id, signature, {@code exp}/{@code nbf} with bounded skew, audience (an {@link Audience}: the issuer's, or
 * an MCP server's resource). Never blocks: keys come
 * from a {@link KeyLookup} that answers from memory. A token verified once is remembered until
 * it expires ({@link VerifiedTokens}), and answered from memory only while the issuer entry and
 * the key that verified it still stand.
 *
 * <p>Refusal reasons are stable codes and messages never contain the token.
 */
public final class JwtAuthenticator {

  /** Larger tokens are refused before any parsing: a cheap guard against abuse. */
  public static final int MAX_TOKEN_CHARS = 8192;

  /** The reason of a token whose key id its issuer's key set does not (yet) have. */
  public static final String UNKNOWN_KID = "unknown-kid";

  /** Clock skew tolerated on {@code exp} and {@code nbf}. */
  public static final Duration SKEW = Duration.ofSeconds(60);

  private final KeyLookup keys;
  private final VerifiedTokens verified;
  private final Clock clock;

  public JwtAuthenticator(KeyLookup keys, VerifiedTokens verified, Clock clock) {
    this.keys = keys;
    this.verified = verified;
    this.clock = clock;
  }

  /**
   * Verifies {@code token} for a workload of workspace {@code workspace}. The token is verified
   * against that workspace's issuers; a token valid only for another workspace is still
   * {@link Authentication.Authenticated} (for that other workspace), so the caller can tell
   * "not yours" (403) from "not valid" (401).
   */
  public Authentication authenticate(String token, String workspace, Map<String, WorkspaceEntry> workspaces) {
    return authenticate(token, workspace, workspaces, Audience.ISSUERS);
  }

  /**
   * As above, where the token must name {@code audience}: its issuer's audiences (the agent API)
   * or an MCP server's resource. A token that names another audience is refused with that
   * rule's reason, also when it was verified before for another place.
   */
  public Authentication authenticate(
      String token, String workspace, Map<String, WorkspaceEntry> workspaces, Audience audience) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return refused("token-too-large", "token of " + token.length() + " characters (expected: at most " + MAX_TOKEN_CHARS + ")");
    }
    Instant now = clock.instant();
    VerifiedTokens.Verified cached = verified.get(workspace, token, now);
    if (cached != null && stillStands(cached, workspace, workspaces)) {
      return placed(cached, audience);
    }
    // Checked on a cache miss only: what is cached passed these checks, and a variant is a miss.
    Read read = read(token);
    if (read.refused() != null) {
      return read.refused();
    }
    SignedJWT jwt = read.jwt();
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return refused("malformed-token", "the token's claims are not a JSON object");
    }
    String iss = claims.getIssuer();
    Trusted trusted = trustedIssuer(iss, workspace, workspaces);
    if (trusted == null) {
      return refused("unknown-issuer", "issuer '" + clip(iss) + "' is not trusted by workspace '" + workspace + "'");
    }
    String kid = jwt.getHeader().getKeyID();
    JWK key = keys.find(trusted.issuer().jwksUri(), kid);
    Authentication.Refused badSignature = checkSignature(jwt, key);
    if (badSignature != null) {
      return badSignature;
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return refused("missing-exp", "the token has no expiry (expected: an exp claim)");
    }
    if (now.minus(SKEW).isAfter(exp.toInstant())) {
      return refused("token-expired", "the token expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) {
      return refused("token-not-yet-valid", "the token is valid from " + nbf.toInstant());
    }
    Principal principal = new Principal(
        trusted.workspace(),
        claims.getSubject() == null ? "" : claims.getSubject(),
        "jwt",
        claims.getJWTID() != null ? claims.getJWTID() : kid,
        scopes(claims),
        exp.toInstant().plus(SKEW));
    List<String> aud = claims.getAudience();
    VerifiedTokens.Verified verification =
        new VerifiedTokens.Verified(principal, trusted.issuer(), kid, key, aud == null ? List.of() : List.copyOf(aud));
    // Remembered whatever its audience: the token is genuine, and where it may be used is
    // checked at every use, so that one token presented at two places is verified once.
    verified.put(workspace, token, verification, now);
    return placed(verification, audience);
  }

  /** The verified token, if its audience lets it be used here. */
  private static Authentication placed(VerifiedTokens.Verified verified, Audience audience) {
    Authentication.Refused refused = audience.refusal(verified.audiences(), verified.issuer());
    return refused != null ? refused : new Authentication.Authenticated(verified.principal());
  }

  /**
   * Whether what verified a cached token still holds: the workspace trusts the same issuer entry
   * (issuer, key set and audiences) and the key set still has the same key under its kid. An
   * issuer removed or changed, or a key rotated out, stops its tokens at once, not when they
   * expire; the token then takes the full path, which says why it is refused. Two map lookups.
   */
  private boolean stillStands(VerifiedTokens.Verified cached, String workspace, Map<String, WorkspaceEntry> workspaces) {
    Trusted trusted = trustedIssuer(cached.issuer().issuer(), workspace, workspaces);
    return trusted != null && trusted.issuer().equals(cached.issuer())
        && trusted.workspace().equals(cached.principal().workspace())
        && cached.key().equals(keys.find(trusted.issuer().jwksUri(), cached.kid()));
  }

  /** The workload's own workspace's issuer first; else any other workspace's (for a 403). */
  private static Trusted trustedIssuer(String iss, String workspace, Map<String, WorkspaceEntry> workspaces) {
    if (iss == null) {
      return null;
    }
    WorkspaceEntry own = workspaces.get(workspace);
    if (own != null) {
      for (IssuerEntry issuer : own.issuers()) {
        if (issuer.issuer().equals(iss)) {
          return new Trusted(own.id(), issuer);
        }
      }
    }
    for (WorkspaceEntry other : workspaces.values()) {
      for (IssuerEntry issuer : other.issuers()) {
        if (issuer.issuer().equals(iss)) {
          return new Trusted(other.id(), issuer);
        }
      }
    }
    return null;
  }

  /** {@code scope} (space-separated, RFC 8693) or {@code scp} (a list). */
  private static Set<String> scopes(JWTClaimsSet claims) {
    Set<String> scopes = new HashSet<>();
    Object scope = claims.getClaim("scope");
    if (scope instanceof String s) {
      scopes.addAll(List.of(s.trim().split("\\s+")));
    }
    Object scp = claims.getClaim("scp");
    if (scp instanceof Collection<?> list) {
      list.forEach(v -> scopes.add(String.valueOf(v)));
    }
    scopes.remove("");
    return scopes;
  }

  /** A token read as a signed JWT, or why it cannot be one. */
  record Read(SignedJWT jwt, Authentication.Refused refused) {}

  /**
   * The shape checks of a token, before anything is looked up: canonical spelling, a JWS with a
   * signature, an accepted algorithm, a key id. What Wycheproof's JWS vectors run against.
   */
  static Read read(String token) {
    if (CompactJws.misspelled(token)) {
      return refusedRead("non-canonical-token", "the token is not three canonical base64url parts (expected:"
          + " header.payload.signature, URL-safe alphabet, no padding, no whitespace, no stray bits)");
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      return refusedRead("malformed-token", "the bearer token is not a JWT (expected: header.payload.signature)");
    }
    if (!(parsed instanceof SignedJWT jwt)) {
      return refusedRead("unsigned-token", "the token is not signed (alg none and encrypted tokens are refused)");
    }
    if (!SignatureCheck.ACCEPTED.contains(jwt.getHeader().getAlgorithm())) {
      return refusedRead("unsupported-alg", "alg '" + jwt.getHeader().getAlgorithm() + "' (expected: RS256, ES256 or EdDSA)");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null || kid.isEmpty()) {
      return refusedRead("missing-kid", "the token names no key (expected: a kid header)");
    }
    return new Read(jwt, null);
  }

  /**
   * Why {@code jwt}'s signature does not verify with {@code key} (the issuer's key of the token's
   * kid, or null when it has none), or null when it does.
   */
  static Authentication.Refused checkSignature(SignedJWT jwt, JWK key) {
    String kid = jwt.getHeader().getKeyID();
    if (key == null) {
      return new Authentication.Refused(UNKNOWN_KID, "key '" + clip(kid) + "' is not in the issuer's key set (yet)");
    }
    try {
      if (!SignatureCheck.verify(jwt, key)) {
        return new Authentication.Refused("bad-signature", "the signature does not verify with key '" + clip(kid) + "'");
      }
    } catch (JOSEException | RuntimeException e) {
      return new Authentication.Refused("bad-signature", "the signature cannot be verified with key '" + clip(kid) + "'");
    }
    return null;
  }

  private static Read refusedRead(String reason, String message) {
    return new Read(null, new Authentication.Refused(reason, message));
  }

  private static Authentication refused(String reason, String message) {
    return new Authentication.Refused(reason, message);
  }

  private static String clip(String s) {
    return s == null ? "(none)" : s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private record Trusted(String workspace, IssuerEntry issuer) {}
}
