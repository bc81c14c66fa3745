package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TargetRegionsTest {

  private static final RegionCatalog CATALOG = new RegionCatalog(
      List.of(
          new Region("eu-lon-1", "GB", "EU", 51.51, -0.13),
          new Region("eu-par-1", "FR", "EU", 48.86, 2.35),
          new Region("us-pdx-1", "US", "NA", 45.52, -122.68)),
      Map.of("eu", Set.of("eu-lon-1", "eu-par-1"), "us", Set.of("us-pdx-1")));

  private static final Set<String> ALL = Set.of("eu-lon-1", "eu-par-1", "us-pdx-1");

  @Test
  void of_isDeployedAllowedAndNamed() {
    assertThat(TargetRegions.of(ALL, Set.of("eu-lon-1", "eu-par-1"), ALL)).containsExactly("eu-lon-1", "eu-par-1");
    assertThat(TargetRegions.of(Set.of("eu-par-1"), ALL, Set.of("eu-lon-1"))).isEmpty();
  }

  @Test
  void everySet_coversGlobalGroupsAndRegions_once() {
    assertThat(TargetRegions.everySet(CATALOG, ALL, ALL)).extracting(Object::toString).containsExactlyInAnyOrder(
        "[eu-lon-1, eu-par-1, us-pdx-1]", "[eu-lon-1, eu-par-1]", "[us-pdx-1]", "[eu-lon-1]", "[eu-par-1]");
    assertThat(TargetRegions.everySet(CATALOG, Set.of("eu-par-1"), ALL)).extracting(Object::toString)
        .containsExactly("[eu-par-1]");
    assertThat(TargetRegions.everySet(CATALOG, Set.of("us-pdx-1"), Set.of("eu-lon-1"))).isEmpty();
  }

  @Test
  void nearestFirst_ordersByDistance_selfFirst() {
    assertThat(CATALOG.nearestFirst("us-pdx-1", ALL)).containsExactly("us-pdx-1", "eu-lon-1", "eu-par-1");
    assertThat(CATALOG.nearestFirst("eu-par-1", ALL)).containsExactly("eu-par-1", "eu-lon-1", "us-pdx-1");
  }

  @Test
  void clusterNames_sortTheSet() {
    WorkloadId id = WorkloadId.parse("agt-echo-demo");
    assertThat(ClusterNames.workload(id, new TreeSet<>(List.of("eu-par-1", "eu-lon-1")))).isEqualTo("agt-echo-demo@eu-lon-1+eu-par-1");
    assertThat(ClusterNames.workload(id, new TreeSet<>(List.of("eu-lon-1")))).isEqualTo(ClusterNames.workload(id, "eu-lon-1"));
    assertThatThrownBy(() -> ClusterNames.workload(id, new TreeSet<>())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void locationPolicy_everyGivenListMustAdmit() {
    LocationPolicy eu = new LocationPolicy(Set.of(), Set.of("EU"), Set.of());
    LocationPolicy gbInEu = new LocationPolicy(Set.of("GB"), Set.of("EU"), Set.of());

    assertThat(LocationPolicy.allowedRegions(CATALOG, eu)).containsExactly("eu-lon-1", "eu-par-1");
    assertThat(LocationPolicy.allowedRegions(CATALOG, gbInEu)).containsExactly("eu-lon-1");
    assertThat(LocationPolicy.allowedRegions(CATALOG, eu, new LocationPolicy(Set.of("US"), Set.of(), Set.of()))).isEmpty();
    assertThat(LocationPolicy.allowedRegions(CATALOG, LocationPolicy.ANY)).isEqualTo(new TreeSet<>(ALL));
    assertThat(gbInEu.toString()).isEqualTo("countries [GB]; continents [EU]");
    assertThat(new LocationPolicy(Set.of(), Set.of(), Set.of("eu-xxx-9")).unknownRegions(CATALOG)).containsExactly("eu-xxx-9");
  }
}
