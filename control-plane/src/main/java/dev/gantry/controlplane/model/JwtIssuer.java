package dev.gantry.controlplane.model;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * An issuer of JWTs that a workspace trusts.
 *
 * @param issuer the exact {@code iss} claim
 * @param jwksUri where its keys are served
 * @param audiences accepted {@code aud} values; a token must name one (at an MCP server: its
 *     resource URI instead)
 * @param authorizationServer the issuer is the workspace's OAuth 2.1 authorization server: the
 *     protected resource metadata of the workspace's MCP servers lists it (its {@code iss} is its
 *     RFC 8414 identifier, so an http or https URL without query or fragment)
 */
public record JwtIssuer(String issuer, URI jwksUri, List<String> audiences, boolean authorizationServer) {

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
    if (authorizationServer && !isServerIdentifier(issuer)) {
      throw new IllegalArgumentException("issuer '" + issuer + "' is marked an authorization server (expected: its iss"
          + " an http or https URL without query or fragment, as RFC 8414 names an authorization server)");
    }
  }

  /** An issuer of tokens for the agent API only. */
  public JwtIssuer(String issuer, URI jwksUri, List<String> audiences) {
    this(issuer, jwksUri, audiences, false);
  }

  private static boolean isServerIdentifier(String issuer) {
    try {
      URI uri = new URI(issuer);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
