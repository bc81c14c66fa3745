package dev.gantry.controlplane.model;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * An issuer of JWTs that a workspace trusts.
 *
 * @param issuer the exact {@code iss} claim
 * @param jwksUri where its keys are served
 * @param audiences accepted {@code aud} values; a token must name one
 */
public record JwtIssuer(String issuer, URI jwksUri, List<String> audiences) {

  public JwtIssuer {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    audiences = List.copyOf(audiences);
    if (!"http".equals(jwksUri.getScheme()) && !"https".equals(jwksUri.getScheme())) {
      throw new IllegalArgumentException("jwks_uri '" + jwksUri + "' (expected: an http or https URL)");
    }
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("issuer '" + issuer + "' has no audience (expected: at least one)");
    }
  }
}
