package dev.gantry.controlplane.config;

import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.Region;
import dev.gantry.routing.RegionCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the region catalog file (the shape of the embedded {@code defaults/regions.yaml}):
 *
 * <pre>
 * base_domains: [run.localhost]          # optional; default run.localhost
 * regions:
 *   - id: eu-lon-1
 *     country: GB
 *     continent: EU
 *     coordinates: [51.51, -0.13]
 *     gateway: 127.0.0.1:10000           # public plaintext listener (optional when https is given)
 *     https: 127.0.0.1:10443             # public HTTPS listener (optional)
 *     internal: 127.0.0.1:11000          # peer gateways forward here (mutual TLS)
 *     authz: unix:authz.sock             # optional; the gateway's local authz-service: a Unix socket
 *                                        # (relative: in the gateway Envoy's working directory) or host:port
 * groups:
 *   eu: {continents: [EU]}               # and/or countries: [...], regions: [...]
 * plaintext: redirect                    # optional; what plaintext listeners do: redirect (308 to https,
 *                                        # the default where a region has https) or serve
 * default_region: eu-lon-1               # optional; where sandboxes go unless asked; default the first
 * legacy_hosts: [legacy.run.localhost]   # optional; hosts of legacy URLs; default legacy.<first base domain>
 * </pre>
 *
 * Everything is checked before anything is used: a bad file is refused whole, with the line of
 * the first problem: an unknown continent, a repeated region, a group whose label is also a
 * region's (location labels must be unambiguous), two listeners on one address.
 */
public final class TopologyLoader {

  /** Continent codes a region may name. */
  public static final Set<String> CONTINENTS = Topology.CONTINENTS;

  /** Where a gateway reaches its authz-service when the catalog does not say. */
  public static final String DEFAULT_AUTHZ = "unix:authz.sock";

  private TopologyLoader() {}

  /** The embedded local catalog, {@code defaults/regions.yaml}: the one {@code ./gantry up} runs. */
  public static Topology embedded() {
    try (java.io.InputStream in = TopologyLoader.class.getResourceAsStream("/defaults/regions.yaml")) {
      if (in == null) {
        throw new IllegalStateException("defaults/regions.yaml is not on the class path");
      }
      return load(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "defaults/regions.yaml");
    } catch (java.io.IOException | ConfigException e) {
      throw new IllegalStateException("the embedded defaults/regions.yaml: " + e.getMessage(), e);
    }
  }

  /** Loads a catalog document; {@code source} names it in errors. */
  public static Topology load(String yaml, String source) throws ConfigException {
    YamlTree tree = YamlTree.parse(yaml, source);
    Map<String, Object> root = tree.root();

    List<String> baseDomains = new ArrayList<>();
    for (Object domain : tree.list(root.getOrDefault("base_domains", List.of("run.localhost")), "base_domains")) {
      baseDomains.add(String.valueOf(domain).toLowerCase(java.util.Locale.ROOT));
    }

    Object rawPlaintext = root.get("plaintext");
    if (rawPlaintext != null && !List.of("serve", "redirect").contains(String.valueOf(rawPlaintext))) {
      throw tree.fail("plaintext", "serve or redirect", rawPlaintext);
    }

    List<Region> regions = new ArrayList<>();
    Map<String, GatewaySite> sites = new LinkedHashMap<>();
    Map<HostPort, String> listenerOwners = new LinkedHashMap<>();
    List<?> entries = tree.list(root.get("regions"), "regions");
    if (entries.isEmpty()) {
      throw tree.fail("regions", "no region (expected: at least one)");
    }
    for (int i = 0; i < entries.size(); i++) {
      String path = "regions[" + i + "]";
      Map<String, Object> entry = tree.map(entries.get(i), path);
      String id = tree.string(entry, "id", path);
      if (sites.containsKey(id)) {
        throw tree.fail(path + ".id", "region '" + id + "' is defined twice");
      }
      path = path + " (" + id + ")";
      String continent = tree.string(entry, "continent", path);
      if (!CONTINENTS.contains(continent)) {
        throw tree.fail(path + ".continent", "one of " + new java.util.TreeSet<>(CONTINENTS), continent);
      }
      String country = tree.string(entry, "country", path);
      if (!country.matches("[A-Z]{2}")) {
        throw tree.fail(path + ".country", "an ISO 3166-1 alpha-2 code such as GB", country);
      }
      List<?> coordinates = tree.list(entry.get("coordinates"), path + ".coordinates");
      if (coordinates.size() != 2) {
        throw tree.fail(path + ".coordinates", "[latitude, longitude]", entry.get("coordinates"));
      }
      regions.add(new Region(id, country, continent,
          tree.number(coordinates.get(0), path + ".coordinates[0]"),
          tree.number(coordinates.get(1), path + ".coordinates[1]")));
      String gateway = tree.optionalString(entry, "gateway", path, null);
      String https = tree.optionalString(entry, "https", path, null);
      if (gateway == null && https == null) {
        throw tree.fail(path, "region '" + id + "' has no public listener (expected: gateway, https or both)");
      }
      GatewaySite.Plaintext plaintext = rawPlaintext != null
          ? GatewaySite.Plaintext.valueOf(String.valueOf(rawPlaintext).toUpperCase(java.util.Locale.ROOT))
          : https != null ? GatewaySite.Plaintext.REDIRECT : GatewaySite.Plaintext.SERVE;
      if (plaintext == GatewaySite.Plaintext.REDIRECT && https == null) {
        throw tree.fail(path, "region '" + id + "' has no https listener to redirect plaintext to (expected: https, or"
            + " plaintext: serve)");
      }
      GatewaySite site = new GatewaySite(id,
          gateway == null ? null : address(tree, gateway, path + ".gateway"),
          https == null ? null : address(tree, https, path + ".https"),
          address(tree, tree.string(entry, "internal", path), path + ".internal"),
          sidecar(tree, tree.optionalString(entry, "authz", path, DEFAULT_AUTHZ), path + ".authz"),
          plaintext);
      for (Map.Entry<String, HostPort> listener : site.listeners().entrySet()) {
        String owner = listenerOwners.putIfAbsent(listener.getValue(), id + "." + listener.getKey());
        if (owner != null) {
          throw tree.fail(path + "." + listener.getKey(),
              "the address " + listener.getValue() + " of " + owner + " (every gateway listener needs its own;"
                  + " a shared one would make gateways forward to each other)");
        }
      }
      sites.put(id, site);
    }

    Map<String, Set<String>> groups = new LinkedHashMap<>();
    Map<String, Object> groupEntries = tree.map(root.getOrDefault("groups", Map.of()), "groups");
    for (Map.Entry<String, Object> group : groupEntries.entrySet()) {
      String path = "groups." + group.getKey();
      if (sites.containsKey(group.getKey())) {
        throw tree.fail(path, "group '" + group.getKey() + "' has the label of a region (location labels must be unambiguous)");
      }
      Map<String, Object> spec = tree.map(group.getValue(), path);
      Set<String> members = new LinkedHashSet<>();
      for (Object continent : tree.list(spec.get("continents"), path + ".continents")) {
        if (!CONTINENTS.contains(String.valueOf(continent))) {
          throw tree.fail(path + ".continents", "continent codes from " + new java.util.TreeSet<>(CONTINENTS), continent);
        }
        regions.stream().filter(r -> r.continent().equals(continent)).forEach(r -> members.add(r.id()));
      }
      for (Object country : tree.list(spec.get("countries"), path + ".countries")) {
        regions.stream().filter(r -> r.country().equals(country)).forEach(r -> members.add(r.id()));
      }
      for (Object region : tree.list(spec.get("regions"), path + ".regions")) {
        if (!sites.containsKey(String.valueOf(region))) {
          throw tree.fail(path + ".regions", "a region of the catalog " + sites.keySet(), region);
        }
        members.add(String.valueOf(region));
      }
      if (members.isEmpty()) {
        throw tree.fail(path, "group '" + group.getKey() + "' contains no region of the catalog");
      }
      groups.put(group.getKey(), members);
    }

    Object rawDefault = root.get("default_region");
    String defaultRegion = rawDefault == null ? regions.getFirst().id() : String.valueOf(rawDefault);
    if (!sites.containsKey(defaultRegion)) {
      throw tree.fail("default_region", "a region of the catalog " + sites.keySet(), defaultRegion);
    }
    List<String> legacyHosts = new ArrayList<>();
    for (Object host : tree.list(root.getOrDefault("legacy_hosts", List.of("legacy." + baseDomains.getFirst())), "legacy_hosts")) {
      legacyHosts.add(String.valueOf(host).toLowerCase(java.util.Locale.ROOT));
    }
    try {
      return new Topology(new RegionCatalog(regions, groups), sites, baseDomains, defaultRegion, legacyHosts);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static dev.gantry.routing.SidecarAddress sidecar(YamlTree tree, String value, String path) throws ConfigException {
    try {
      return dev.gantry.routing.SidecarAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw tree.fail(path, e.getMessage());
    }
  }

  private static HostPort address(YamlTree tree, String value, String path) throws ConfigException {
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw tree.fail(path, e.getMessage());
    }
  }
}
