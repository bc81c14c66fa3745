package dev.gantry.authz.credential;

import dev.gantry.authz.model.IssuerEntry;
import java.util.List;

/**
 * Which {@code aud} a bearer token must name where it is presented: one of its issuer's
 * audiences (the agent API: agents, sandboxes), or the resource URI of the MCP server it is
 * presented to (RFC 8707, checked by the engine, which knows the server's names).
 */
@FunctionalInterface
public interface Audience {

  /** Longest audience list a refusal's message quotes. */
  int MAX_QUOTED = 200;

  /**
   * Why a token of {@code issuer} whose {@code aud} is {@code audiences} (null when it has none)
   * may not be used here, or null when it may.
   */
  Authentication.Refused refusal(List<String> audiences, IssuerEntry issuer);

  /** The agent API's rule: the token names one of its issuer's audiences. */
  Audience ISSUERS = (audiences, issuer) -> audiences != null && audiences.stream().anyMatch(issuer.audiences()::contains)
      ? null
      : new Authentication.Refused("wrong-audience",
          "audience " + quoted(audiences) + " (expected one of: " + issuer.audiences() + ")");

  /** {@code audiences} for a message: clipped, as it is the token's claim. */
  static String quoted(List<String> audiences) {
    String text = String.valueOf(audiences);
    return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED - 3) + "...";
  }
}
