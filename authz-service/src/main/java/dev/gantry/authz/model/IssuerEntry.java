package dev.gantry.authz.model;

import java.net.URI;
import java.util.Set;

/**
 * A JWT issuer a workspace trusts.
 *
 * @param issuer the exact {@code iss} claim
 * @param jwksUri where its keys are served
 * @param audiences accepted {@code aud} values (at an MCP server: its resource URI instead)
 * @param authorizationServer the workspace's OAuth authorization server: listed in its MCP
 *     servers' protected resource metadata
 */
public record IssuerEntry(String issuer, URI jwksUri, Set<String> audiences, boolean authorizationServer) {

  public IssuerEntry {
    audiences = Set.copyOf(audiences);
  }

  /** An issuer of tokens for the agent API only. */
  public IssuerEntry(String issuer, URI jwksUri, Set<String> audiences) {
    this(issuer, jwksUri, audiences, false);
  }
}
