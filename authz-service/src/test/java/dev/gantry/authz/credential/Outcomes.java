package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading an {@link Authentication} in assertions: its refusal reason and message, or its principal. */
final class Outcomes {

  private Outcomes() {}

  /** The refusal's reason; {@code accepted} when it authenticated; "no answer" for null. */
  static String reason(Authentication authentication, String accepted) {
    if (authentication == null) {
      return "no answer";
    }
    return authentication instanceof Authentication.Refused refused ? refused.reason() : accepted;
  }

  /** The refusal's message, or "" when it authenticated. */
  static String message(Authentication authentication) {
    return authentication instanceof Authentication.Refused refused ? refused.message() : "";
  }

  /** The principal it authenticated (failing the test when it was refused). */
  static Principal principal(Authentication authentication) {
    assertThat(authentication).isInstanceOf(Authentication.Authenticated.class);
    return ((Authentication.Authenticated) authentication).principal();
  }
}
