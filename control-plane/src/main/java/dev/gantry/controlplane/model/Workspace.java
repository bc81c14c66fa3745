package dev.gantry.controlplane.model;

import dev.gantry.routing.LocationPolicy;
import java.util.List;
import java.util.Objects;

/**
 * A tenant and the credentials that act for it.
 *
 * @param id {@code [a-z0-9]+}, the last part of its workloads' ids
 * @param jwtIssuers issuers whose tokens act for this workspace
 * @param policy where its workloads may run and be served
 */
public record Workspace(String id, List<JwtIssuer> jwtIssuers, LocationPolicy policy) {

  public Workspace {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[a-z0-9]+")) {
      throw new IllegalArgumentException("workspace id '" + id + "' (expected: lower-case letters and digits)");
    }
    jwtIssuers = List.copyOf(jwtIssuers);
    Objects.requireNonNull(policy, "policy");
  }

  /** A workspace without a location policy. */
  public Workspace(String id, List<JwtIssuer> jwtIssuers) {
    this(id, jwtIssuers, LocationPolicy.ANY);
  }

  /** The same workspace under another policy. */
  public Workspace withPolicy(LocationPolicy next) {
    return new Workspace(id, jwtIssuers, next);
  }
}
