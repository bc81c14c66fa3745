package dev.gantry.controlplane.model;

import dev.gantry.routing.RegionCatalog;
import java.util.List;
import java.util.Map;

/**
 * The fixed shape of the fleet: the region catalog, every region's gateway site, and the base
 * domains hostnames end with. Loaded at start; validated as a whole.
 *
 * @param catalog regions and groups
 * @param sites gateway site by region id; one for every region
 * @param baseDomains base domains, in configured order
 */
public record Topology(RegionCatalog catalog, Map<String, GatewaySite> sites, List<String> baseDomains) {

  public Topology {
    sites = Map.copyOf(sites);
    baseDomains = List.copyOf(baseDomains);
    for (String region : catalog.regions().keySet()) {
      if (!sites.containsKey(region)) {
        throw new IllegalArgumentException("region '" + region + "' has no gateway site");
      }
    }
  }
}
