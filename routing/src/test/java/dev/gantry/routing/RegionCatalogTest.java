package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegionCatalogTest {

  private static final Region LON = new Region("eu-lon-1", "GB", "EU", 51.51, -0.13);
  private static final Region PAR = new Region("eu-par-1", "FR", "EU", 48.86, 2.35);
  private static final Region PDX = new Region("us-pdx-1", "US", "NA", 45.52, -122.68);

  @Test
  void regionsNamedBy_regionGroupAndGlobal() {
    RegionCatalog catalog =
        new RegionCatalog(List.of(LON, PAR, PDX), Map.of("eu", Set.of("eu-lon-1", "eu-par-1")));
    assertThat(catalog.regionsNamedBy("eu-par-1")).containsExactly("eu-par-1");
    assertThat(catalog.regionsNamedBy("eu")).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    assertThat(catalog.regionsNamedBy(null)).containsExactly("eu-lon-1", "eu-par-1", "us-pdx-1");
    assertThat(catalog.regionsNamedBy("mars")).isNull();
  }

  @Test
  void constructor_groupNamedLikeRegion_isAmbiguous() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(LON), Map.of("eu-lon-1", Set.of("eu-lon-1"))))
        .hasMessageContaining("unambiguous");
  }

  @Test
  void constructor_duplicateRegion_isRefused() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(LON, LON), Map.of()))
        .hasMessageContaining("'eu-lon-1' is defined twice");
  }

  @Test
  void constructor_groupWithUnknownRegion_isRefused() {
    assertThatThrownBy(() -> new RegionCatalog(List.of(LON), Map.of("eu", Set.of("eu-xxx-9"))))
        .hasMessageContaining("unknown region 'eu-xxx-9'");
  }

  @Test
  void distanceKm_londonParis_isAbout340() {
    assertThat(LON.distanceKm(PAR)).isBetween(330.0, 350.0);
    assertThat(LON.distanceKm(PDX)).isGreaterThan(7000.0);
  }
}
