package dev.gantry.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The regions and named region groups a location label can name. Immutable; validated when
 * built, so a label always means exactly one thing.
 */
public final class RegionCatalog {

  private final Map<String, Region> regions;
  private final Map<String, Set<String>> groups;

  /**
   * @param regions every region, in catalog order
   * @param groups group name to the ids of its regions
   * @throws IllegalArgumentException naming the offending entry, when a region id is repeated,
   *     a label is not a DNS label, a group names an unknown region or is empty, or a group name
   *     collides with a region id
   */
  public RegionCatalog(List<Region> regions, Map<String, Set<String>> groups) {
    Map<String, Region> byId = new LinkedHashMap<>();
    for (Region region : regions) {
      if (!HostnameGrammar.isDnsLabel(region.id())) {
        throw new IllegalArgumentException(
            "region id '" + region.id() + "' (expected: a lower-case DNS label such as eu-lon-1)");
      }
      if (byId.putIfAbsent(region.id(), region) != null) {
        throw new IllegalArgumentException("region '" + region.id() + "' is defined twice");
      }
    }
    Map<String, Set<String>> groupMap = new LinkedHashMap<>();
    groups.forEach(
        (name, members) -> {
          if (!HostnameGrammar.isDnsLabel(name)) {
            throw new IllegalArgumentException(
                "group name '" + name + "' (expected: a lower-case DNS label such as eu)");
          }
          if (byId.containsKey(name)) {
            throw new IllegalArgumentException(
                "group '" + name + "' has the same label as a region (location labels must be unambiguous)");
          }
          if (members.isEmpty()) {
            throw new IllegalArgumentException("group '" + name + "' contains no region");
          }
          for (String member : members) {
            if (!byId.containsKey(member)) {
              throw new IllegalArgumentException(
                  "group '" + name + "' names unknown region '" + member + "'");
            }
          }
          groupMap.put(name, Collections.unmodifiableSet(new TreeSet<>(members)));
        });
    this.regions = Collections.unmodifiableMap(byId);
    this.groups = Collections.unmodifiableMap(groupMap);
  }

  /** Every region by id, in catalog order. */
  public Map<String, Region> regions() {
    return regions;
  }

  /** Every group by name, each with its region ids. */
  public Map<String, Set<String>> groups() {
    return groups;
  }

  /** The region with this id, or null. */
  public Region region(String id) {
    return regions.get(id);
  }

  /**
   * The ids of the regions a location label names: one region for a region id, the members of a
   * group for a group name, every region for null (global). Null when the label names nothing.
   */
  public Set<String> regionsNamedBy(String location) {
    if (location == null) {
      return regions.keySet();
    }
    Region region = regions.get(location);
    if (region != null) {
      return Set.of(region.id());
    }
    return groups.get(location);
  }

  /**
   * {@code regionIds} ordered by great-circle distance from region {@code from}, nearest first
   * ({@code from} itself, when present, first of all); equal distances by id, so every gateway
   * orders the same set the same way.
   */
  public List<String> nearestFirst(String from, Collection<String> regionIds) {
    Region origin = regions.get(from);
    if (origin == null) {
      throw new IllegalArgumentException("region '" + from + "' is not in the catalog");
    }
    List<String> ordered = new ArrayList<>(regionIds);
    // The origin itself first even when another region sits at the same coordinates (distance 0 too).
    ordered.sort(Comparator.comparing((String id) -> !id.equals(from))
        .thenComparingDouble(id -> origin.distanceKm(regions.get(id))).thenComparing(id -> id));
    return ordered;
  }
}
