package dev.gantry.routing;

import java.util.Objects;

/**
 * One region of the catalog: where workloads run and a gateway admits traffic.
 *
 * @param id the region id and its location label, e.g. {@code eu-lon-1}
 * @param country ISO 3166-1 alpha-2 code, e.g. {@code GB}
 * @param continent two-letter continent code, e.g. {@code EU}
 * @param latitude degrees north; with longitude, decides which region is nearest
 * @param longitude degrees east
 */
public record Region(String id, String country, String continent, double latitude, double longitude) {

  public Region {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(continent, "continent");
  }

  /** Great-circle distance to {@code other} in kilometres. */
  public double distanceKm(Region other) {
    double lat1 = Math.toRadians(latitude);
    double lat2 = Math.toRadians(other.latitude);
    double dLat = lat2 - lat1;
    double dLon = Math.toRadians(other.longitude - longitude);
    double h =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
}
