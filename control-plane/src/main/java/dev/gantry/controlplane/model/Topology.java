package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.RegionCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed shape of the fleet: the region catalog, every region's gateway site, and the base
 * domains hostnames end with. Loaded at start; validated as a whole.
 *
 * @param catalog regions and groups
 * @param sites gateway site by region id; one for every region
 * @param baseDomains base domains, in configured order
 * @param defaultRegion where a sandbox goes when nobody says where (the allowed region nearest
 *     to it)
 * @param legacyHosts hosts of legacy URLs, {@code <host>/<workspace>/<agents|mcp|sandboxes>/<name>/...}
 */
public record Topology(
    RegionCatalog catalog,
    Map<String, GatewaySite> sites,
    List<String> baseDomains,
    String defaultRegion,
    List<String> legacyHosts) {

  /** Continent codes a region or a policy may name. */
  public static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

  public Topology {
    sites = Map.copyOf(sites);
    baseDomains = List.copyOf(baseDomains);
    legacyHosts = List.copyOf(legacyHosts);
    for (String region : catalog.regions().keySet()) {
      if (!sites.containsKey(region)) {
        throw new IllegalArgumentException("region '" + region + "' has no gateway site");
      }
    }
    if (catalog.region(defaultRegion) == null) {
      throw new IllegalArgumentException("default region '" + defaultRegion + "' is not in the catalog");
    }
    // Two listeners on one address would make one gateway forward to another's public or
    // internal listener: a loop, or traffic landing where it is not trusted.
    Map<HostPort, String> owners = new HashMap<>();
    for (GatewaySite site : sites.values()) {
      for (Map.Entry<String, HostPort> listener : site.listeners().entrySet()) {
        String owner = site.region() + "." + listener.getKey();
        String previous = owners.putIfAbsent(listener.getValue(), owner);
        if (previous != null) {
          throw new IllegalArgumentException(
              owner + " and " + previous + " share the address " + listener.getValue()
                  + " (every gateway listener needs its own)");
        }
      }
    }
  }

  /** A topology whose legacy host is {@code legacy.<first base domain>}. */
  public Topology(RegionCatalog catalog, Map<String, GatewaySite> sites, List<String> baseDomains, String defaultRegion) {
    this(catalog, sites, baseDomains, defaultRegion, List.of("legacy." + baseDomains.getFirst()));
  }

  /** A topology whose default region is the catalog's first. */
  public Topology(RegionCatalog catalog, Map<String, GatewaySite> sites, List<String> baseDomains) {
    this(catalog, sites, baseDomains, catalog.regions().keySet().iterator().next());
  }
}
