package dev.gantry.controlplane.deploy;

import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.pki.ServingCertificate;
import dev.gantry.routing.Product;
import java.time.Instant;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of names that reach a workload besides its own hostname: legacy workload ids
 * (aliases) and a workspace's own hostnames (custom domains). Pure, like {@link Deployments}:
 * each checks everything first and throws a {@link Refusal}; a refused write stores nothing.
 */
public final class NameRules {

  private final Topology topology;

  public NameRules(Topology topology) {
    this.topology = topology;
  }

  /** Makes the legacy id {@code alias} reach {@code target} (an existing workload, not an alias). */
  public FleetState addAlias(FleetState state, WorkloadId alias, WorkloadId target) {
    Workload workload = Deployments.existing(state, target);
    if (state.workloads().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "'" + alias + "' is a workload itself; an alias must be a name no workload has");
    }
    if (state.routing().aliases().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "alias '" + alias + "' already reaches '"
          + state.routing().aliases().get(alias) + "' (delete it first)");
    }
    if (alias.product() != workload.id().product()) {
      throw new Refusal(Refusal.Kind.INVALID, "alias '" + alias + "' and workload '" + target + "' are different products");
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.put(alias, target);
    return state.withRouting(new Routing(aliases, state.routing().customDomains()));
  }

  public FleetState removeAlias(FleetState state, WorkloadId alias) {
    if (!state.routing().aliases().containsKey(alias)) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "alias '" + alias + "' does not exist");
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>(state.routing().aliases());
    aliases.remove(alias);
    return state.withRouting(new Routing(aliases, state.routing().customDomains()));
  }

  /**
   * Binds a workspace's own hostname to one of its workloads, served from {@code location} (a
   * region or group; null: the nearest allowed region) with {@code certificate} over HTTPS. The
   * certificate is required: a domain is never served with a certificate for other names.
   */
  public FleetState bindDomain(FleetState state, String rawDomain, WorkloadId target, String location,
      ServingCertificate certificate, Instant now) {
    String domain = canonical(rawDomain);
    if (domain.length() > 253 || domain.indexOf('.') < 0
        || !java.util.Arrays.stream(domain.split("\\.", -1)).allMatch(dev.gantry.routing.HostnameGrammar::isDnsLabel)) {
      throw new Refusal(Refusal.Kind.INVALID, "domain '" + rawDomain + "' (expected: a hostname such as agents.acme.example)");
    }
    for (String base : topology.baseDomains()) {
      if (domain.equals(base) || domain.endsWith("." + base)) {
        throw new Refusal(Refusal.Kind.INVALID, "domain '" + domain + "' is under the base domain " + base
            + ", whose names route by themselves (expected: the workspace's own domain)");
      }
    }
    if (topology.legacyHosts().contains(domain)) {
      throw new Refusal(Refusal.Kind.INVALID, "domain '" + domain + "' is the gateway's legacy host");
    }
    Routing.CustomDomain bound = state.routing().customDomains().get(domain);
    if (bound != null) {
      throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "domain '" + domain + "' is already bound to '" + bound.workload()
          + "' (unbind it first)");
    }
    Workload workload = Deployments.existing(state, target);
    checkCertificate(domain, certificate, now);
    if (location != null && !location.isEmpty()) {
      java.util.Set<String> named = topology.catalog().regionsNamedBy(location);
      if (named == null) {
        throw new Refusal(Refusal.Kind.NOT_FOUND, "location '" + location + "' is neither a region nor a group of the catalog");
      }
      if (dev.gantry.routing.TargetRegions.of(workload.regions(), state.allowedRegions(topology.catalog(), workload), named).isEmpty()) {
        throw new Refusal(Refusal.Kind.FORBIDDEN, "'" + target + "' is not deployed and allowed anywhere in '" + location
            + "' (deployed to " + workload.regions() + ")");
      }
    }
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.put(domain, new Routing.CustomDomain(domain, target, location == null || location.isEmpty() ? null : location,
        certificate));
    return state.withRouting(new Routing(state.routing().aliases(), domains));
  }

  /** Replaces the certificate of a bound domain (a renewal), with the checks of {@link #bindDomain}. */
  public FleetState setDomainCertificate(FleetState state, String rawDomain, ServingCertificate certificate, Instant now) {
    String domain = canonical(rawDomain);
    Routing.CustomDomain bound = state.routing().customDomains().get(domain);
    if (bound == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "domain '" + domain + "' is not bound");
    }
    checkCertificate(domain, certificate, now);
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.put(domain, bound.withCertificate(certificate));
    return state.withRouting(new Routing(state.routing().aliases(), domains));
  }

  private static void checkCertificate(String domain, ServingCertificate certificate, Instant now) {
    if (certificate == null) {
      throw new Refusal(Refusal.Kind.INVALID, "domain '" + domain + "' needs a certificate: its chain and key"
          + " (--cert FILE --key FILE); a domain is never served with a certificate for other names");
    }
    if (!certificate.covers(domain)) {
      throw new Refusal(Refusal.Kind.INVALID, "certificate-name-mismatch: the certificate is for " + certificate.dnsNames()
          + ", not '" + domain + "'");
    }
    try {
      certificate.checkValidAt(now);
    } catch (ServingCertificate.Refused e) {
      throw new Refusal(Refusal.Kind.INVALID, e.reason() + ": " + e.getMessage());
    }
  }

  private static String canonical(String rawDomain) {
    String domain = rawDomain.toLowerCase(java.util.Locale.ROOT);
    return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
  }

  public FleetState unbindDomain(FleetState state, String rawDomain) {
    String domain = canonical(rawDomain);
    if (!state.routing().customDomains().containsKey(domain)) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "domain '" + domain + "' is not bound");
    }
    Map<String, Routing.CustomDomain> domains = new HashMap<>(state.routing().customDomains());
    domains.remove(domain);
    return state.withRouting(new Routing(state.routing().aliases(), domains));
  }
}
