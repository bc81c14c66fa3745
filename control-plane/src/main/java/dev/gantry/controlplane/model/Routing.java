package dev.gantry.controlplane.model;

import dev.gantry.pki.ServingCertificate;
import dev.gantry.routing.WorkloadId;
import java.util.Map;
import java.util.Objects;

/**
 * The names that reach a workload besides its own hostname.
 *
 * @param aliases legacy workload ids and the workload each stands for now
 * @param customDomains a workspace's own hostnames (lower case), each bound to one workload
 */
public record Routing(Map<WorkloadId, WorkloadId> aliases, Map<String, CustomDomain> customDomains) {

  /** No aliases, no custom domains. */
  public static final Routing NONE = new Routing(Map.of(), Map.of());

  public Routing {
    aliases = Map.copyOf(aliases);
    customDomains = Map.copyOf(customDomains);
  }

  /** The custom domains that have a certificate (all but some bound before certificates were required), sorted by name. */
  public java.util.List<CustomDomain> certifiedDomains() {
    return customDomains.values().stream()
        .filter(d -> d.certificate() != null)
        .sorted(java.util.Comparator.comparing(CustomDomain::domain))
        .toList();
  }

  /**
   * A workspace's own hostname bound to one of its workloads.
   *
   * @param domain the hostname, lower case, e.g. {@code agents.acme.example}
   * @param workload the workload it reaches
   * @param location a location label (region or group) to serve it from, or null for global
   * @param certificate what the gateways serve for it over HTTPS; null only for domains bound
   *     before certificates were required, which HTTPS clients cannot reach
   */
  public record CustomDomain(String domain, WorkloadId workload, String location, ServingCertificate certificate) {

    public CustomDomain {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(workload, "workload");
    }

    /** A domain without a certificate. */
    public CustomDomain(String domain, WorkloadId workload, String location) {
      this(domain, workload, location, null);
    }

    /** The same domain serving {@code next}. */
    public CustomDomain withCertificate(ServingCertificate next) {
      return new CustomDomain(domain, workload, location, next);
    }
  }
}
