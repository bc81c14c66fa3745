package dev.gantry.authz.model;

import dev.gantry.routing.WorkloadId;
import java.util.Map;
import java.util.Set;

/**
 * The names that reach a workload besides its own hostname.
 *
 * @param legacyHosts hosts of legacy URLs ({@code /<workspace>/<agents|mcp|sandboxes>/<name>/...})
 * @param aliases legacy workload ids and the workload each stands for
 * @param customDomains a workspace's own hostnames (lower case) and what each reaches
 */
public record Names(Set<String> legacyHosts, Map<WorkloadId, WorkloadId> aliases, Map<String, DomainTarget> customDomains) {

  public static final Names NONE = new Names(Set.of(), Map.of(), Map.of());

  public Names {
    legacyHosts = Set.copyOf(legacyHosts);
    aliases = Map.copyOf(aliases);
    customDomains = Map.copyOf(customDomains);
  }

  /** What a custom domain reaches: a workload, from a location (null: global). */
  public record DomainTarget(WorkloadId workload, String location) {}
}
