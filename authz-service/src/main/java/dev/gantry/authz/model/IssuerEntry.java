package dev.gantry.authz.model;

import java.net.URI;
import java.util.Set;

/**
 * A JWT issuer a workspace trusts.
 *
 * @param issuer the exact {@code iss} claim
 * @param jwksUri where its keys are served
 * @param audiences accepted {@code aud} values
 */
public record IssuerEntry(String issuer, URI jwksUri, Set<String> audiences) {

  public IssuerEntry {
    audiences = Set.copyOf(audiences);
  }
}
