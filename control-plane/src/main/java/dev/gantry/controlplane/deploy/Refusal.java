package dev.gantry.controlplane.deploy;

/**
 * A write the control plane refuses, with what to fix. Thrown before anything is stored, so a
 * refused write leaves the state as it was.
 */
public final class Refusal extends RuntimeException {

  /** Why, coarsely: the admin API turns it into a gRPC status. */
  public enum Kind {
    /** The input is malformed: a bad name, an unknown continent code. */
    INVALID,
    /** It names something that does not exist: a workload, a region. */
    NOT_FOUND,
    /** It would create something that exists. */
    ALREADY_EXISTS,
    /** Well-formed, but a policy or placement rule forbids it. */
    FORBIDDEN
  }

  private final Kind kind;

  public Refusal(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
