package dev.gantry.controlplane.model;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * An API key of a workspace, as the control plane keeps it: never the secret, only its hash.
 *
 * @param id the key's public id, the {@code <id>} of {@code gk_<id>_<secret>}; unique
 * @param secretSha256 SHA-256 of the secret, hex
 * @param scopes what it may do: {@code agt:invoke}, {@code mcp:call}, {@code sbx:exec}
 * @param name what it is for
 * @param createdAt when it was made
 * @param expiresAt when it stops working; null = never
 * @param revoked refused from now on; kept so a revoked key is told apart from an unknown one
 */
public record ApiKey(
    String id, String secretSha256, Set<String> scopes, String name, Instant createdAt, Instant expiresAt, boolean revoked) {

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secretSha256, "secretSha256");
    Objects.requireNonNull(createdAt, "createdAt");
    scopes = Set.copyOf(scopes);
    HexFormat.of().parseHex(secretSha256);
  }

  /** The same key, revoked. */
  public ApiKey revoke() {
    return new ApiKey(id, secretSha256, scopes, name, createdAt, expiresAt, true);
  }
}
