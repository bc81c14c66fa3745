package dev.gantry.controlplane.edge;

import dev.gantry.pki.ServingCertificate;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The catalog's certificates: what the gateways serve for the hostnames Gantry itself routes
 * (custom domains bring their own, kept with the domain). Immutable.
 *
 * @param byName each certificate by its name (its directory's), sorted: the first is the default,
 *     served to clients that name no host (SNI) or one no certificate is for
 */
public record EdgeCertificates(SortedMap<String, ServingCertificate> byName) {

  /** No certificate: the gateways have no HTTPS listener. */
  public static final EdgeCertificates NONE = new EdgeCertificates(new TreeMap<>());

  public EdgeCertificates {
    byName = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(byName));
  }

  /** The certificates of {@code byName}. */
  public static EdgeCertificates of(Map<String, ServingCertificate> byName) {
    return new EdgeCertificates(new TreeMap<>(byName));
  }
}
