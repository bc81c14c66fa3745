package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocationPolicyTest {

  private static final Region LON = new Region("eu-lon-1", "GB", "EU", 51.51, -0.13);
  private static final Region PAR = new Region("eu-par-1", "FR", "EU", 48.86, 2.35);
  private static final Region PDX = new Region("us-pdx-1", "US", "NA", 45.52, -122.68);

  private static final RegionCatalog CATALOG = new RegionCatalog(List.of(LON, PAR, PDX), Map.of());

  @Test
  void allows_aRegionList_admitsExactlyItsRegions() {
    LocationPolicy paris = new LocationPolicy(Set.of(), Set.of(), Set.of("eu-par-1"));

    assertThat(paris.allows(PAR)).isTrue();
    assertThat(paris.allows(LON)).isFalse();
    assertThat(LocationPolicy.allowedRegions(CATALOG, paris)).containsExactly("eu-par-1");
  }

  @Test
  void isUnrestricted_onlyWhenEveryListIsEmpty() {
    assertThat(LocationPolicy.ANY.isUnrestricted()).isTrue();
    assertThat(new LocationPolicy(Set.of(), Set.of(), Set.of()).isUnrestricted()).isTrue();
    assertThat(new LocationPolicy(Set.of("GB"), Set.of(), Set.of()).isUnrestricted()).isFalse();
    assertThat(new LocationPolicy(Set.of(), Set.of("EU"), Set.of()).isUnrestricted()).isFalse();
    assertThat(new LocationPolicy(Set.of(), Set.of(), Set.of("eu-lon-1")).isUnrestricted()).isFalse();
  }

  @Test
  void unknownRegions_namesOnlyTheRegionsTheCatalogLacks() {
    LocationPolicy policy = new LocationPolicy(Set.of(), Set.of(), Set.of("eu-lon-1", "mars-1", "eu-xxx-9"));
    assertThat(policy.unknownRegions(CATALOG)).containsExactly("eu-xxx-9", "mars-1");
    assertThat(new LocationPolicy(Set.of(), Set.of(), Set.of("eu-lon-1", "us-pdx-1")).unknownRegions(CATALOG)).isEmpty();
  }

  @Test
  void toString_namesEveryGivenList_orAnyRegion() {
    assertThat(LocationPolicy.ANY).hasToString("any region");
    assertThat(new LocationPolicy(Set.of(), Set.of(), Set.of("eu-par-1", "eu-lon-1")))
        .hasToString("regions [eu-lon-1, eu-par-1]");
    assertThat(new LocationPolicy(Set.of("GB"), Set.of("EU"), Set.of("eu-lon-1")))
        .hasToString("countries [GB]; continents [EU]; regions [eu-lon-1]");
  }
}
