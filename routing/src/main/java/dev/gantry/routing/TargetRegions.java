package dev.gantry.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A request's target region set (docs/architecture.md, "Regions and placement"): the regions where the workload is deployed,
 * that its location policies allow, and that the hostname's location label names. Never routed
 * outside, failover included. The authz-service computes it per request; the control plane
 * computes every set a hostname could produce, to publish a cluster for each.
 */
public final class TargetRegions {

  private TargetRegions() {}

  /** deployed ∩ allowed ∩ named, sorted. */
  public static SortedSet<String> of(Set<String> deployed, Set<String> allowed, Set<String> named) {
    SortedSet<String> targets = new TreeSet<>();
    for (String region : deployed) {
      if (allowed.contains(region) && named.contains(region)) {
        targets.add(region);
      }
    }
    return targets;
  }

  /**
   * Every non-empty target set some location label (global, each group, each region) gives a
   * workload deployed to {@code deployed} and allowed in {@code allowed}; in a stable order.
   */
  public static List<SortedSet<String>> everySet(RegionCatalog catalog, Set<String> deployed, Set<String> allowed) {
    Set<SortedSet<String>> sets = new LinkedHashSet<>();
    List<Set<String>> labels = new ArrayList<>();
    labels.add(catalog.regionsNamedBy(null));
    labels.addAll(catalog.groups().values());
    for (String region : catalog.regions().keySet()) {
      labels.add(Set.of(region));
    }
    for (Set<String> named : labels) {
      SortedSet<String> targets = of(deployed, allowed, named);
      if (!targets.isEmpty()) {
        sets.add(Collections.unmodifiableSortedSet(targets));
      }
    }
    return List.copyOf(sets);
  }
}
