package dev.gantry.authz.model;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as the decision checks it: its hash, never its secret.
 *
 * @param id the {@code <id>} of {@code gk_<id>_<secret>}
 * @param workspace the workspace it acts for
 * @param secretSha256 SHA-256 of the secret
 * @param scopes what it may do
 * @param name what it is for (may be empty)
 * @param expiresAt when it stops working; null = never
 * @param revoked refused
 */
public record ApiKeyEntry(
    String id, String workspace, byte[] secretSha256, Set<String> scopes, String name, Instant expiresAt, boolean revoked) {

  public ApiKeyEntry {
    scopes = Set.copyOf(scopes);
    secretSha256 = secretSha256.clone();
  }

  /** The hash, not copied: for constant-time comparison only. */
  byte[] hash() {
    return secretSha256;
  }
}
