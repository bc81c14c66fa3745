package dev.gantry.authz.credential;

import dev.gantry.authz.model.ApiKeyEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;

/**
 * Checks an API key, {@code gk_<id>_<secret>}: found by its id in O(1), its secret's SHA-256
 * compared in constant time with the one stored, then revocation and expiry. The hash is
 * compared first, so a caller who only knows an id learns nothing about it. Never blocks, makes
 * no call; the key never appears in a message.
 */
public final class ApiKeyAuthenticator {

  /** Every API key starts with this (a JWT starts with {@code eyJ}). */
  public static final String PREFIX = "gk_";

  /** Longer than any key the control plane makes. */
  static final int MAX_KEY_CHARS = 128;

  private final Clock clock;

  public ApiKeyAuthenticator(Clock clock) {
    this.clock = clock;
  }

  /** True when {@code credential} looks like an API key rather than a token. */
  public static boolean isApiKey(String credential) {
    return credential.startsWith(PREFIX);
  }

  public Authentication authenticate(String key, Map<String, ApiKeyEntry> keys) {
    int separator = key.indexOf('_', PREFIX.length());
    if (!key.startsWith(PREFIX) || key.length() > MAX_KEY_CHARS || separator < 0
        || separator == PREFIX.length() || separator == key.length() - 1) {
      return new Authentication.Refused("malformed-key", "API key (expected: gk_<id>_<secret>, as issued)");
    }
    String id = key.substring(PREFIX.length(), separator);
    ApiKeyEntry entry = keys.get(id);
    if (entry == null) {
      return new Authentication.Refused("unknown-key", "API key " + id + " does not exist");
    }
    if (!MessageDigest.isEqual(sha256(key.substring(separator + 1)), entry.secretSha256())) {
      return new Authentication.Refused("bad-key", "API key " + id + ": the secret does not match");
    }
    if (entry.revoked()) {
      return new Authentication.Refused("key-revoked", "API key " + id + " was revoked");
    }
    if (entry.expiresAt() != null && !clock.instant().isBefore(entry.expiresAt())) {
      return new Authentication.Refused("key-expired", "API key " + id + " expired at " + entry.expiresAt());
    }
    return new Authentication.Authenticated(new Principal(
        entry.workspace(), entry.name().isEmpty() ? "apikey:" + id : "apikey:" + entry.name(), "api_key", id,
        entry.scopes(), entry.expiresAt()));
  }

  /** SHA-256 of a credential's secret (ASCII), as the control plane keeps it. */
  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
