package dev.gantry.authz.engine;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.BearerCredential;
import dev.gantry.authz.credential.Principal;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.PreviewEntry;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.WorkloadId;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Who may open a sandbox's preview port, {@code <port>--<sandbox>[.<location>].<base>}: anyone
 * when the port is public; else a preview token for exactly that sandbox and port, or a
 * credential of the sandbox's workspace with {@code sbx:exec} ({@link Admission}).
 *
 * <p>A preview token ({@code gp_<id>_<secret>}) comes in one of three ways, and never reaches
 * the sandbox: {@code Authorization: Bearer} (removed, as every credential); the query
 * parameter {@value #QUERY_PARAMETER}, answered with a 303 to the same URL without it and a
 * host-only cookie (so a link can carry it, and the dev server never sees it); or that cookie,
 * {@value #COOKIE}, taken out of the {@code Cookie} header. Its secret's SHA-256 is compared in
 * constant time before anything else is told. Unknown and unexposed ports answer like private
 * ones, so a stranger learns nothing of a sandbox's ports. Pure.
 */
final class PreviewAccess {

  /** The query parameter a link carries a token in. */
  static final String QUERY_PARAMETER = "gantry_preview_token";

  /** The cookie the redirect sets: {@code __Host-} makes browsers keep it host-only, Secure, path /. */
  static final String COOKIE = "__Host-gantry-preview";

  /** Longer than any token the control plane mints. */
  static final int MAX_TOKEN_CHARS = 128;

  /** What the check decided. */
  sealed interface Checked {}

  /** Refused: the answer to give. */
  record Refused(Decision.Deny deny) implements Checked {}

  /** A valid token in the query: the redirect that sets the cookie. */
  record Redirect(Decision.Answer answer) implements Checked {}

  /** Admitted: who is calling (null for a public port). */
  record Admitted(Principal principal) implements Checked {}

  private static final Map<String, String> CHALLENGE = Map.of("www-authenticate", "Bearer realm=\"gantry\"");

  private final Admission admission;
  private final Clock clock;

  PreviewAccess(Admission admission, Clock clock) {
    this.admission = admission;
    this.clock = clock;
  }

  /**
   * Checks a request for port {@code port} of sandbox {@code sandbox} (null when it does not
   * exist), named {@code named} by the request.
   */
  Checked check(WorkloadEntry sandbox, WorkloadId named, int port, RequestFacts request, AuthzSnapshot snapshot) {
    PreviewEntry preview = sandbox == null ? null : sandbox.previews().get(port);
    if (preview != null && preview.isPublic()) {
      return new Admitted(null);
    }
    String label = port + ClusterNames.PREVIEW_SEPARATOR + named;
    String inQuery = queryToken(request.path());
    if (inQuery != null) {
      Checked checked = token(inQuery, sandbox, label, port);
      if (checked instanceof Admitted admitted) {
        return new Redirect(redirect(request, inQuery, admitted.principal().expiresAt()));
      }
      return checked;
    }
    BearerCredential.Found credential = BearerCredential.from(request.headers());
    if (credential instanceof BearerCredential.Preview bearer) {
      return token(bearer.token(), sandbox, label, port);
    }
    String inCookie = AffinityKeys.cookie(request.headers().get("cookie"), COOKIE);
    if (inCookie != null && credential instanceof BearerCredential.Absent) {
      return token(inCookie, sandbox, label, port);
    }
    if (credential instanceof BearerCredential.Absent) {
      return new Refused(new Decision.Deny(401, "preview-token-required",
          "preview '" + label + "' is private (expected: a preview token of this port: Authorization: Bearer gp_..., or ?"
              + QUERY_PARAMETER + "=gp_... once; or a credential of workspace '" + named.workspace() + "')", CHALLENGE));
    }
    WorkloadId id = sandbox == null ? named : sandbox.id();
    return switch (admission.check(id, named, request, snapshot)) {
      case Admission.Refused refused -> new Refused(refused.deny());
      case Admission.Admitted admitted -> sandbox == null
          ? new Refused(new Decision.Deny(404, "unknown-workload", "workload '" + named + "' does not exist"))
          : preview == null
              ? new Refused(new Decision.Deny(404, "unknown-preview", "sandbox '" + named + "' does not expose port " + port
                  + " (expected one of: " + new java.util.TreeSet<>(sandbox.previews().keySet()) + ")"))
              : new Admitted(admitted.principal());
    };
  }

  /** A preview token, checked against the sandbox's ports: it must be this port's, valid now. */
  private Checked token(String token, WorkloadEntry sandbox, String label, int port) {
    int separator = token.indexOf('_', BearerCredential.PREVIEW_PREFIX.length());
    if (!token.startsWith(BearerCredential.PREVIEW_PREFIX) || token.length() > MAX_TOKEN_CHARS || separator < 0
        || separator == BearerCredential.PREVIEW_PREFIX.length() || separator == token.length() - 1) {
      return invalid("malformed-preview-token", "preview token (expected: gp_<id>_<secret>, as minted)");
    }
    String id = token.substring(BearerCredential.PREVIEW_PREFIX.length(), separator);
    PreviewEntry.Token found = null;
    int foundPort = 0;
    if (sandbox != null) {
      for (PreviewEntry entry : sandbox.previews().values()) {
        PreviewEntry.Token candidate = entry.tokens().get(id);
        if (candidate != null) {
          found = candidate;
          foundPort = entry.port();
        }
      }
    }
    if (found == null) {
      return invalid("unknown-preview-token", "preview token " + clip(id) + " does not open '" + label + "'");
    }
    if (!MessageDigest.isEqual(ApiKeyAuthenticator.sha256(token.substring(separator + 1)), found.secretSha256())) {
      return invalid("bad-preview-token", "preview token " + id + ": the secret does not match");
    }
    if (found.revoked()) {
      return invalid("preview-token-revoked", "preview token " + id + " was revoked");
    }
    Instant now = clock.instant();
    if (!now.isBefore(found.expiresAt())) {
      return invalid("preview-token-expired", "preview token " + id + " expired at " + found.expiresAt());
    }
    if (foundPort != port) {
      return new Refused(new Decision.Deny(403, "wrong-preview",
          "preview token " + id + " opens port " + foundPort + " of this sandbox, not port " + port));
    }
    return new Admitted(new Principal(sandbox.id().workspace(), "preview:" + id, "preview_token", id, Set.of(),
        found.expiresAt()));
  }

  /**
   * The answer to a valid token in the query: 303 to the same path and query without it, and the
   * cookie that carries the token from now on (host-only, Secure, HttpOnly, SameSite=Lax, until
   * the token expires).
   */
  private Decision.Answer redirect(RequestFacts request, String token, Instant expiresAt) {
    long maxAge = Math.max(0, Duration.between(clock.instant(), expiresAt).toSeconds());
    return new Decision.Answer(303, "preview-token-accepted", "text/plain; charset=utf-8",
        "the preview token is now a cookie of this host\n", Map.of(
            // Absolute, on the host asked: a path such as //elsewhere.example must not lead off it.
            "location", request.origin() + withoutToken(request.path()),
            "set-cookie", COOKIE + "=" + token + "; Path=/; Max-Age=" + maxAge + "; Secure; HttpOnly; SameSite=Lax",
            "cache-control", "no-store",
            "referrer-policy", "no-referrer"));
  }

  /** The token in the query, or null: the first {@value #QUERY_PARAMETER}. */
  static String queryToken(String path) {
    int query = path == null ? -1 : path.indexOf('?');
    if (query < 0) {
      return null;
    }
    for (String parameter : path.substring(query + 1).split("&")) {
      if (parameter.startsWith(QUERY_PARAMETER + "=")) {
        return parameter.substring(QUERY_PARAMETER.length() + 1);
      }
    }
    return null;
  }

  /** {@code path} without any {@value #QUERY_PARAMETER} parameter (and without {@code ?} when none is left). */
  static String withoutToken(String path) {
    int query = path.indexOf('?');
    StringBuilder kept = new StringBuilder(path.length()).append(path, 0, query);
    String separator = "?";
    for (String parameter : path.substring(query + 1).split("&", -1)) {
      if (!parameter.equals(QUERY_PARAMETER) && !parameter.startsWith(QUERY_PARAMETER + "=")) {
        kept.append(separator).append(parameter);
        separator = "&";
      }
    }
    return kept.isEmpty() ? "/" : kept.toString();
  }

  /**
   * The {@code Cookie} header without the preview cookie: null when nothing else is left (the
   * header is removed), the header itself when it has none.
   */
  static String cookieWithout(String header) {
    if (header == null || !header.contains(COOKIE)) {
      return header;
    }
    // Split as AffinityKeys.cookie reads it (repeated headers arrive joined with ','), and the
    // name compared as it does, so no spelling of the preview cookie gets through.
    StringBuilder kept = new StringBuilder(header.length());
    for (String pair : header.split("[;,]")) {
      String trimmed = pair.strip();
      int equals = trimmed.indexOf('=');
      String name = (equals < 0 ? trimmed : trimmed.substring(0, equals)).strip();
      if (!trimmed.isEmpty() && !name.equals(COOKIE)) {
        kept.append(kept.isEmpty() ? "" : "; ").append(trimmed);
      }
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  private static Refused invalid(String reason, String message) {
    return new Refused(new Decision.Deny(401, reason, message, CHALLENGE));
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
