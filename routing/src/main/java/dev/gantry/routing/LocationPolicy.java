package dev.gantry.routing;

import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Where a workspace or a workload may run and be served: allow-lists of countries, continents
 * and regions. Each list that is given must admit a region; an empty list admits every region.
 * A workload's policy applies on top of its workspace's, so it can only narrow it.
 *
 * @param countries ISO 3166-1 alpha-2 codes, e.g. {@code AU, JP, SG}; empty = any country
 * @param continents continent codes, e.g. {@code EU}; empty = any continent
 * @param regions region ids, e.g. {@code eu-lon-1}; empty = any region
 */
public record LocationPolicy(Set<String> countries, Set<String> continents, Set<String> regions) {

  /** Admits every region. */
  public static final LocationPolicy ANY = new LocationPolicy(Set.of(), Set.of(), Set.of());

  public LocationPolicy {
    countries = Set.copyOf(countries);
    continents = Set.copyOf(continents);
    regions = Set.copyOf(regions);
  }

  /** True when every given list admits {@code region}. */
  public boolean allows(Region region) {
    Objects.requireNonNull(region, "region");
    return (countries.isEmpty() || countries.contains(region.country()))
        && (continents.isEmpty() || continents.contains(region.continent()))
        && (regions.isEmpty() || regions.contains(region.id()));
  }

  /** True when this policy admits every region. */
  public boolean isUnrestricted() {
    return countries.isEmpty() && continents.isEmpty() && regions.isEmpty();
  }

  /** The ids of the catalog's regions every one of {@code policies} admits, sorted. */
  public static SortedSet<String> allowedRegions(RegionCatalog catalog, LocationPolicy... policies) {
    SortedSet<String> allowed = new TreeSet<>();
    for (Region region : catalog.regions().values()) {
      boolean admitted = true;
      for (LocationPolicy policy : policies) {
        admitted &= policy.allows(region);
      }
      if (admitted) {
        allowed.add(region.id());
      }
    }
    return allowed;
  }

  /**
   * Region ids this policy names that the catalog does not know; a policy naming one is a typo
   * to refuse, not a restriction to apply silently.
   */
  public SortedSet<String> unknownRegions(RegionCatalog catalog) {
    return regions.stream().filter(r -> catalog.region(r) == null).collect(Collectors.toCollection(TreeSet::new));
  }

  /** For messages: {@code continents [EU]}, {@code countries [AU, JP]; regions [...]}, or {@code any region}. */
  @Override
  public String toString() {
    if (isUnrestricted()) {
      return "any region";
    }
    StringBuilder text = new StringBuilder();
    append(text, "countries", countries);
    append(text, "continents", continents);
    append(text, "regions", regions);
    return text.toString();
  }

  private static void append(StringBuilder text, String name, Set<String> values) {
    if (!values.isEmpty()) {
      if (!text.isEmpty()) {
        text.append("; ");
      }
      text.append(name).append(' ').append(new TreeSet<>(values));
    }
  }
}
