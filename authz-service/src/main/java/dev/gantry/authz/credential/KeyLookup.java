package dev.gantry.authz.credential;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Finds an issuer's signing key; never blocks and never does I/O on the caller's thread. */
@FunctionalInterface
public interface KeyLookup {

  /**
   * The key {@code kid} of the key set at {@code jwksUri}, or null when it is not known (now).
   * An implementation may start a refresh of that key set, at a bounded rate.
   */
  JWK find(URI jwksUri, String kid);

  /**
   * Completes when the key-set refreshes running now have ended (at once when none runs): a
   * Check refused for an unknown key can wait for the refresh it started, and look again.
   */
  default CompletableFuture<Void> refreshing() {
    return CompletableFuture.completedFuture(null);
  }
}
