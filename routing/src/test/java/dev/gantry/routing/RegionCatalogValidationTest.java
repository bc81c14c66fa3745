package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegionCatalogValidationTest {

  private static final Region LON = new Region("eu-lon-1", "GB", "EU", 51.51, -0.13);
  private static final Region PAR = new Region("eu-par-1", "FR", "EU", 48.86, 2.35);

  @Test
  void constructor_regionIdThatIsNotALowerCaseDnsLabel_isRefused() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(new Region("EU-LON-1", "GB", "EU", 51.51, -0.13)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region id 'EU-LON-1'");
  }

  @Test
  void constructor_groupNameThatIsNotALowerCaseDnsLabel_isRefused() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(LON, PAR), Map.of("Europe", Set.of("eu-lon-1", "eu-par-1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group name 'Europe'");
  }

  @Test
  void constructor_groupWithoutRegions_isRefused() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(LON, PAR), Map.of("eu", Set.<String>of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 'eu' contains no region");
  }

  @Test
  void nearestFirst_fromARegionNotInTheCatalog_isRefused() {
    RegionCatalog catalog = new RegionCatalog(List.of(LON, PAR), Map.of());
    assertThatThrownBy(() -> catalog.nearestFirst("mars-1", List.of("eu-lon-1", "eu-par-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region 'mars-1' is not in the catalog");
  }

  @Test
  void nearestFirst_regionsAtTheSameDistance_areOrderedById_whateverTheInputOrder() {
    Region sydney2 = new Region("ap-syd-2", "AU", "OC", -33.87, 151.21);
    Region sydney1 = new Region("ap-syd-1", "AU", "OC", -33.87, 151.21);
    RegionCatalog catalog = new RegionCatalog(List.of(LON, sydney2, sydney1), Map.of());

    assertThat(catalog.nearestFirst("eu-lon-1", List.of("ap-syd-2", "ap-syd-1", "eu-lon-1")))
        .containsExactly("eu-lon-1", "ap-syd-1", "ap-syd-2");
  }

  @Test
  void nearestFirst_putsTheOriginFirst_evenBesideARegionAtTheSameCoordinates() {
    Region lon2 = new Region("eu-lon-2", "GB", "EU", 51.51, -0.13);
    RegionCatalog catalog = new RegionCatalog(List.of(LON, lon2, PAR), Map.of());

    // eu-lon-1 sorts before eu-lon-2 by id; from eu-lon-2, its own replicas still come first.
    assertThat(catalog.nearestFirst("eu-lon-2", List.of("eu-par-1", "eu-lon-1", "eu-lon-2")))
        .containsExactly("eu-lon-2", "eu-lon-1", "eu-par-1");
  }

  @Test
  void nearestFirst_ordersByGreatCircleDistance_notById() {
    Region portland = new Region("us-pdx-1", "US", "NA", 45.52, -122.68);
    Region sydney = new Region("ap-syd-1", "AU", "OC", -33.87, 151.21);
    RegionCatalog catalog = new RegionCatalog(List.of(LON, PAR, portland, sydney), Map.of());

    assertThat(catalog.nearestFirst("eu-lon-1", List.of("ap-syd-1", "us-pdx-1", "eu-par-1", "eu-lon-1")))
        .containsExactly("eu-lon-1", "eu-par-1", "us-pdx-1", "ap-syd-1");
  }

  @Test
  void distanceKm_isTheGreatCircleDistance() {
    Region portland = new Region("us-pdx-1", "US", "NA", 45.52, -122.68);
    // Haversine on a 6,371 km sphere: London–Paris 343.5 km, London–Portland 7,906.5 km; symmetric.
    assertThat(LON.distanceKm(PAR)).isCloseTo(343.47, org.assertj.core.data.Offset.offset(0.01));
    assertThat(LON.distanceKm(portland)).isCloseTo(7906.48, org.assertj.core.data.Offset.offset(0.01));
    assertThat(portland.distanceKm(LON)).isEqualTo(LON.distanceKm(portland), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(LON.distanceKm(LON)).isZero();
  }
}
