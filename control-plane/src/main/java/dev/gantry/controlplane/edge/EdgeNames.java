package dev.gantry.controlplane.edge;

import dev.gantry.controlplane.model.Topology;
import dev.gantry.pki.ServingCertificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names HTTPS clients may ask the gateways for, derived from the catalog: for every base
 * domain, {@code *.<base>} (global hostnames), {@code *.<region>.<base>} for every region and
 * {@code *.<group>.<base>} for every group, and each legacy host. A workload hostname is one
 * label under one of these, so a certificate with these names covers every hostname form. Pure.
 */
public final class EdgeNames {

  private EdgeNames() {}

  /** Every name the catalog's certificates must cover, in catalog order. */
  public static List<String> required(Topology topology) {
    Set<String> names = new LinkedHashSet<>();
    for (String base : topology.baseDomains()) {
      names.add("*." + base);
      for (String region : topology.catalog().regions().keySet()) {
        names.add("*." + region + "." + base);
      }
      for (String group : topology.catalog().groups().keySet()) {
        names.add("*." + group + "." + base);
      }
    }
    names.addAll(topology.legacyHosts());
    return List.copyOf(names);
  }

  /**
   * The required names none of {@code certificates} covers. A wildcard is covered only by the
   * same wildcard (a client matches {@code *.eu.run.example} against nothing else); a legacy
   * host by itself or a wildcard one label above it.
   */
  public static List<String> uncovered(Topology topology, Collection<ServingCertificate> certificates) {
    List<String> uncovered = new ArrayList<>();
    for (String name : required(topology)) {
      boolean covered = certificates.stream().anyMatch(c -> name.startsWith("*.")
          ? c.dnsNames().contains(name)
          : c.covers(name));
      if (!covered) {
        uncovered.add(name);
      }
    }
    return uncovered;
  }
}
