package dev.gantry.controlplane.model;

import java.time.Instant;
import java.util.List;

/**
 * A port of a sandbox reachable by its preview URL, {@code <port>--<sandbox>[.<location>].<base>}.
 *
 * @param port the sandbox replicas' port, 1024-65535
 * @param isPublic reachable without credentials
 * @param tokens the tokens that open it, kept as hashes
 */
public record Preview(int port, boolean isPublic, List<Token> tokens) {

  /** Live tokens a port may have at once (expired ones are dropped when a token is minted). */
  public static final int MAX_TOKENS = 100;

  public Preview {
    if (port < dev.gantry.routing.HostnameGrammar.MIN_PREVIEW_PORT || port > 65535) {
      throw new IllegalArgumentException("preview port " + port + " (expected: "
          + dev.gantry.routing.HostnameGrammar.MIN_PREVIEW_PORT + " to 65535)");
    }
    tokens = List.copyOf(tokens);
    if (tokens.size() > MAX_TOKENS) {
      throw new IllegalArgumentException("port " + port + " has " + tokens.size() + " tokens (expected: at most "
          + MAX_TOKENS + " live ones; revoke some, or wait for them to expire)");
    }
  }

  /**
   * A preview token, {@code gp_<id>_<secret>}: opens this port of this sandbox only.
   *
   * @param id its id
   * @param secretSha256 SHA-256 of its secret, hex
   * @param createdAt when it was minted
   * @param expiresAt when it stops opening the port (always set)
   * @param revoked whether it was revoked
   */
  public record Token(String id, String secretSha256, Instant createdAt, Instant expiresAt, boolean revoked) {

    /** The same token, revoked. */
    public Token revoke() {
      return new Token(id, secretSha256, createdAt, expiresAt, true);
    }
  }

  /** The same port, public or not. */
  public Preview withPublic(boolean next) {
    return new Preview(port, next, tokens);
  }

  /** The same port with other tokens. */
  public Preview withTokens(List<Token> next) {
    return new Preview(port, isPublic, next);
  }
}
