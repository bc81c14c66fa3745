package dev.gantry.authz.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.authz.engine.AuthzSnapshot;
import dev.gantry.proto.snapshot.v1.Catalog;
import dev.gantry.proto.snapshot.v1.Region;
import dev.gantry.proto.snapshot.v1.RegionGroup;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.Workload;
import dev.gantry.routing.WorkloadId;
import org.junit.jupiter.api.Test;

class SnapshotUpdatesTest {

  private static final Catalog CATALOG =
      Catalog.newBuilder()
          .addBaseDomains("run.localhost")
          .addRegions(Region.newBuilder().setId("eu-lon-1").setCountry("GB").setContinent("EU"))
          .addRegions(Region.newBuilder().setId("eu-par-1").setCountry("FR").setContinent("EU"))
          .addGroups(RegionGroup.newBuilder().setName("eu").addRegions("eu-lon-1").addRegions("eu-par-1"))
          .build();

  private static Workload workload(String id, String... regions) {
    return Workload.newBuilder().setId(id).setPublic(true).addAllRegions(java.util.List.of(regions)).build();
  }

  private static AuthzSnapshot full() throws Exception {
    return SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(3).setFull(true).setCatalog(CATALOG)
            .addUpsertedWorkloads(workload("agt-echo-demo", "eu-lon-1"))
            .addUpsertedWorkloads(workload("agt-old-demo", "eu-par-1"))
            .build());
  }

  @Test
  void apply_full_replacesEverything() throws Exception {
    AuthzSnapshot snapshot = full();

    assertThat(snapshot.version()).isEqualTo(3);
    assertThat(snapshot.workloads()).containsOnlyKeys(WorkloadId.parse("agt-echo-demo"), WorkloadId.parse("agt-old-demo"));
    assertThat(snapshot.catalog().regionsNamedBy("eu")).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    assertThat(snapshot.baseDomains()).containsExactly("run.localhost");
  }

  @Test
  void apply_incremental_upsertsAndRemoves() throws Exception {
    AuthzSnapshot next = SnapshotUpdates.apply(full(),
        SnapshotUpdate.newBuilder().setVersion(4).setBaseVersion(3)
            .addUpsertedWorkloads(workload("agt-echo-demo", "eu-lon-1", "eu-par-1"))
            .addRemovedWorkloads("agt-old-demo")
            .build());

    assertThat(next.version()).isEqualTo(4);
    assertThat(next.workloads()).containsOnlyKeys(WorkloadId.parse("agt-echo-demo"));
    assertThat(next.workloads().get(WorkloadId.parse("agt-echo-demo")).regions()).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    assertThat(next.catalog().regions()).containsOnlyKeys("eu-lon-1", "eu-par-1");
  }

  @Test
  void apply_incrementalOnWrongBase_isRefused() throws Exception {
    AuthzSnapshot held = full();

    assertThatThrownBy(() -> SnapshotUpdates.apply(held,
        SnapshotUpdate.newBuilder().setVersion(9).setBaseVersion(8).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("does not follow the version held (3)");
  }

  @Test
  void apply_incrementalWithoutHeld_isRefused() {
    assertThatThrownBy(() -> SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(1).setBaseVersion(0).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class);
  }

  @Test
  void apply_fullWithMalformedWorkloadId_isRefused() {
    assertThatThrownBy(() -> SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(1).setFull(true).setCatalog(CATALOG)
            .addUpsertedWorkloads(workload("xyz-bad-demo", "eu-lon-1")).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("unknown-product");
  }

  @Test
  void apply_fullWithAmbiguousCatalog_isRefused() {
    Catalog ambiguous = CATALOG.toBuilder()
        .addGroups(RegionGroup.newBuilder().setName("eu-lon-1").addRegions("eu-lon-1")).build();

    assertThatThrownBy(() -> SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(1).setFull(true).setCatalog(ambiguous).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("unambiguous");
  }

  @Test
  void apply_fullWithBadBaseDomain_isRefused() {
    Catalog bad = CATALOG.toBuilder().clearBaseDomains().addBaseDomains("Not A Domain").build();

    assertThatThrownBy(() -> SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(1).setFull(true).setCatalog(bad).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("base domain");
  }
}
