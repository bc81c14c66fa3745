package dev.gantry.authz.model;

import java.time.Instant;
import java.util.Map;

/**
 * A port of a sandbox reachable by its preview URL, as the decision sees it.
 *
 * @param port the port
 * @param isPublic reachable without credentials
 * @param tokens the tokens that open it, by id
 */
public record PreviewEntry(int port, boolean isPublic, Map<String, Token> tokens) {

  public PreviewEntry {
    tokens = Map.copyOf(tokens);
  }

  /**
   * A preview token: {@code gp_<id>_<secret>}.
   *
   * @param id its id
   * @param secretSha256 SHA-256 of its secret
   * @param expiresAt when it stops opening the port
   * @param revoked whether it was revoked
   */
  public record Token(String id, byte[] secretSha256, Instant expiresAt, boolean revoked) {

    public Token {
      secretSha256 = secretSha256.clone();
    }

    @Override
    public byte[] secretSha256() {
      return secretSha256.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Token t && t.id.equals(id) && java.util.Arrays.equals(t.secretSha256, secretSha256)
          && t.expiresAt.equals(expiresAt) && t.revoked == revoked;
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }
  }
}
