package dev.gantry.authz.credential;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;

/** Finds an issuer's signing key; never blocks and never does I/O on the caller's thread. */
@FunctionalInterface
public interface KeyLookup {

  /**
   * The key {@code kid} of the key set at {@code jwksUri}, or null when it is not known (now).
   * An implementation may start a refresh of that key set, at a bounded rate.
   */
  JWK find(URI jwksUri, String kid);
}
