package dev.gantry.controlplane.model;

import java.util.List;
import java.util.Objects;

/**
 * A tenant and the credentials that act for it.
 *
 * @param id {@code [a-z0-9]+}, the last part of its workloads' ids
 * @param jwtIssuers issuers whose tokens act for this workspace
 */
public record Workspace(String id, List<JwtIssuer> jwtIssuers) {

  public Workspace {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[a-z0-9]+")) {
      throw new IllegalArgumentException("workspace id '" + id + "' (expected: lower-case letters and digits)");
    }
    jwtIssuers = List.copyOf(jwtIssuers);
  }
}
