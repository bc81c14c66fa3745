package dev.gantry.cli;

import dev.gantry.proto.fleet.v1.LocationPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The location policy options several commands take. */
final class Policies {

  @Option(names = "--countries", split = ",", paramLabel = "CC", description = "allow only these countries (ISO codes, e.g. AU,JP,SG)")
  List<String> countries = new ArrayList<>();

  @Option(names = "--continents", split = ",", paramLabel = "XX", description = "allow only these continents (AF AN AS EU NA OC SA)")
  List<String> continents = new ArrayList<>();

  @Option(names = "--allow-regions", split = ",", paramLabel = "REGION", description = "allow only these regions")
  List<String> regions = new ArrayList<>();

  LocationPolicy toProto() {
    return LocationPolicy.newBuilder().addAllCountries(countries).addAllContinents(continents).addAllRegions(regions).build();
  }

  static String describe(LocationPolicy policy) {
    List<String> parts = new ArrayList<>();
    if (policy.getCountriesCount() > 0) {
      parts.add("countries " + String.join(",", policy.getCountriesList()));
    }
    if (policy.getContinentsCount() > 0) {
      parts.add("continents " + String.join(",", policy.getContinentsList()));
    }
    if (policy.getRegionsCount() > 0) {
      parts.add("regions " + String.join(",", policy.getRegionsList()));
    }
    return parts.isEmpty() ? "any region" : String.join("; ", parts);
  }
}
