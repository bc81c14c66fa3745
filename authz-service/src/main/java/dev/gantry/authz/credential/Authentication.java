package dev.gantry.authz.credential;

/** What checking a credential found: who it speaks for, or why it was refused. */
public sealed interface Authentication {

  /** The credential is valid. */
  record Authenticated(Principal principal) implements Authentication {}

  /**
   * The credential is missing, malformed or invalid: the client gets 401.
   *
   * @param reason stable machine-readable code, e.g. {@code token-expired}
   * @param message what was wrong and what was expected; never the credential itself
   */
  record Refused(String reason, String message) implements Authentication {}
}
