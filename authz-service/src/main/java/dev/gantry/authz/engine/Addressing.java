package dev.gantry.authz.engine;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.routing.HostnameGrammar;
import dev.gantry.routing.ParsedHost;
import dev.gantry.routing.WorkloadId;

/**
 * Which workload a request is for, and from where: its hostname by the grammar
 * ({@code <workload>[.<location>].<base-domain>}), a legacy URL
 * ({@code <legacy-host>/<workspace>/<agents|mcp|sandboxes>/<name>/...}), or a custom domain; a
 * legacy workload id is followed to the workload it aliases. Pure.
 */
final class Addressing {

  private Addressing() {}

  /** Either an {@link Addressed} request or a deny. */
  sealed interface Result permits Addressed, Refused, Unknown {}

  /**
   * @param workload the workload
   * @param location the location label, or null for global
   * @param canonicalHost for a legacy URL, the workload's own hostname to forward with; else null
   * @param named the workload as the request names it: an alias stays the alias, so refusals to a
   *     stranger never reveal the workload an alias leads to
   * @param previewPort the sandbox's port a preview URL names; 0 for the workload itself
   */
  record Addressed(WorkloadEntry workload, String location, String canonicalHost, WorkloadId named, int previewPort)
      implements Result {
    boolean isGlobal() {
      return location == null;
    }
  }

  record Refused(Decision.Deny deny) implements Result {}

  /** A well-formed name of a workload that does not exist (the caller decides what to say); {@code previewPort} as above. */
  record Unknown(WorkloadId id, int previewPort) implements Result {

    Decision.Deny deny() {
      return new Decision.Deny(404, "unknown-workload", "workload '" + id + "' does not exist");
    }
  }

  static Result resolve(AuthzSnapshot snapshot, RequestFacts request) {
    Names names = snapshot.names();
    WorkloadId id;
    String location;
    String canonicalHost = null;
    int previewPort = 0;
    // The grammar first: it names the workload of almost every request. Legacy hosts and custom
    // domains are names it refuses (a custom domain is never under a base domain; a legacy host
    // names no workload), so they are looked up only then.
    HostnameGrammar.Result parsed = snapshot.grammar().parse(request.authority());
    if (parsed instanceof ParsedHost parsedHost) {
      id = parsedHost.workload();
      location = parsedHost.location();
      previewPort = parsedHost.previewPort();
    } else {
      String host = HostnameGrammar.normalizeHost(request.authority());
      if (host != null && names.legacyHosts().contains(host)) {
        id = legacyWorkload(request.path());
        if (id == null) {
          return new Refused(new Decision.Deny(400, "malformed-legacy-path",
              "legacy path '" + clip(request.path()) + "' (expected: /<workspace>/<agents|mcp|sandboxes>/<name>/...)"));
        }
        location = null;
        canonicalHost = id + "." + snapshot.baseDomains().stream().sorted().findFirst().orElseThrow();
      } else if (host != null && names.customDomains().containsKey(host)) {
        Names.DomainTarget target = names.customDomains().get(host);
        id = target.workload();
        location = target.location();
      } else {
        HostnameGrammar.Rejected rejected = (HostnameGrammar.Rejected) parsed;
        return new Refused(new Decision.Deny(400, rejected.reason().code(), rejected.message()));
      }
    }
    if (location != null && canonicalHost == null && snapshot.catalog().regionsNamedBy(location) == null) {
      return new Refused(new Decision.Deny(404, "unknown-location",
          "location '" + location + "' (expected: a region id or group: "
              + snapshot.catalog().regions().keySet() + " or " + snapshot.catalog().groups().keySet() + ")"));
    }
    WorkloadEntry workload = snapshot.workloads().get(id);
    if (workload == null && names.aliases().containsKey(id)) {
      workload = snapshot.workloads().get(names.aliases().get(id));
    }
    if (workload == null) {
      return new Unknown(id, previewPort);
    }
    return new Addressed(workload, location, canonicalHost, id, previewPort);
  }

  /** {@code /<workspace>/<agents|mcp|sandboxes>/<name>[/...]} → {@code <product>-<name>-<workspace>}, or null. */
  static WorkloadId legacyWorkload(String path) {
    if (path == null || !path.startsWith("/")) {
      return null;
    }
    int query = path.indexOf('?');
    String[] parts = (query < 0 ? path : path.substring(0, query)).split("/", 5);
    if (parts.length < 4 || !parts[1].matches("[a-z0-9]+") || parts[3].isEmpty()) {
      return null;
    }
    String product = switch (parts[2]) {
      case "agents" -> "agt";
      case "mcp" -> "mcp";
      case "sandboxes" -> "sbx";
      default -> null;
    };
    if (product == null) {
      return null;
    }
    try {
      return WorkloadId.parse(product + "-" + parts[3] + "-" + parts[1]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String clip(String text) {
    return text == null ? "" : text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }
}
