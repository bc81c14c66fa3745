package dev.gantry.authz.credential;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified credential speaks for.
 *
 * @param workspace the workspace it acts for
 * @param subject its subject ({@code sub})
 * @param kind what kind of credential: {@code jwt}
 * @param credentialId which credential: the token's {@code jti}, else its key id
 * @param scopes what it may do, e.g. {@code agt:invoke}
 * @param expiresAt when it stops being valid
 */
public record Principal(
    String workspace, String subject, String kind, String credentialId, Set<String> scopes, Instant expiresAt) {

  public Principal {
    scopes = Set.copyOf(scopes);
  }
}
