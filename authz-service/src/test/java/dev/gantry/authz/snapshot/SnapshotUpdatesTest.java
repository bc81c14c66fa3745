package dev.gantry.authz.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.proto.fleet.v1.ApiKey;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.EntityKey;
import dev.gantry.proto.fleet.v1.Region;
import dev.gantry.proto.fleet.v1.RegionGroup;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.fleet.v1.Workspace;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
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

  private static Entity workload(String id, String... regions) {
    return Entity.newBuilder()
        .setWorkload(Workload.newBuilder().setId(id).setPublic(true).addAllRegions(java.util.List.of(regions)))
        .build();
  }

  private static Placement placement(String id, String... allowed) {
    return Placement.newBuilder().setWorkload(id).addAllAllowedRegions(java.util.List.of(allowed)).setPolicy("p").build();
  }

  private static AuthzSnapshot full() throws Exception {
    return SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(3).setFull(true).setCatalog(CATALOG)
            .addUpserted(workload("agt-echo-demo", "eu-lon-1"))
            .addUpserted(workload("agt-old-demo", "eu-par-1"))
            .addPlacements(placement("agt-echo-demo", "eu-lon-1", "eu-par-1"))
            .addPlacements(placement("agt-old-demo", "eu-lon-1", "eu-par-1"))
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
            .addUpserted(workload("agt-echo-demo", "eu-lon-1", "eu-par-1"))
            .addRemoved(EntityKey.newBuilder().setKind("workload").setId("agt-old-demo"))
            .build());

    assertThat(next.version()).isEqualTo(4);
    assertThat(next.workloads()).containsOnlyKeys(WorkloadId.parse("agt-echo-demo"));
    assertThat(next.workloads().get(WorkloadId.parse("agt-echo-demo")).regions()).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    assertThat(next.catalog().regions()).containsOnlyKeys("eu-lon-1", "eu-par-1");
    assertThat(next.workloads().get(WorkloadId.parse("agt-echo-demo")).allowedRegions())
        .as("a workload sent without a placement keeps the one held").containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
  }

  @Test
  void apply_placementAlone_movesOnlyWhereTheWorkloadMayBeServed() throws Exception {
    AuthzSnapshot next = SnapshotUpdates.apply(full(),
        SnapshotUpdate.newBuilder().setVersion(4).setBaseVersion(3).addPlacements(placement("agt-echo-demo", "eu-lon-1")).build());

    assertThat(next.workloads().get(WorkloadId.parse("agt-echo-demo")).allowedRegions()).containsExactly("eu-lon-1");
    assertThat(next.workloads().get(WorkloadId.parse("agt-echo-demo")).regions()).containsExactly("eu-lon-1");
  }

  @Test
  void apply_keysAttachToTheirWorkspace_andAKeyOfNoWorkspaceIsRefused() throws Exception {
    Entity demo = Entity.newBuilder().setWorkspace(Workspace.newBuilder().setId("demo")).build();
    Entity key = Entity.newBuilder().setApiKey(ApiKey.newBuilder().setId("k1").setWorkspace("demo")
        .setSecretSha256(com.google.protobuf.ByteString.copyFrom(new byte[32])).addScopes("agt:invoke")).build();
    AuthzSnapshot withKey = SnapshotUpdates.apply(full(),
        SnapshotUpdate.newBuilder().setVersion(4).setBaseVersion(3).addUpserted(demo).addUpserted(key).build());

    assertThat(withKey.apiKeys()).containsOnlyKeys("k1");
    assertThat(withKey.workspaces().get("demo").apiKeys()).extracting(k -> k.id()).containsExactly("k1");
    AuthzSnapshot revoked = SnapshotUpdates.apply(withKey, SnapshotUpdate.newBuilder().setVersion(5).setBaseVersion(4)
        .addUpserted(key.toBuilder().setApiKey(key.getApiKey().toBuilder().setRevoked(true))).build());
    assertThat(revoked.apiKeys().get("k1").revoked()).isTrue();
    assertThatThrownBy(() -> SnapshotUpdates.apply(full(), SnapshotUpdate.newBuilder().setVersion(4).setBaseVersion(3)
        .addUpserted(key).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("names workspace demo, which the snapshot does not hold");
  }

  @Test
  void apply_workloadWithoutAnyPlacement_isRefused() {
    assertThatThrownBy(() -> SnapshotUpdates.apply(null,
        SnapshotUpdate.newBuilder().setVersion(1).setFull(true).setCatalog(CATALOG)
            .addUpserted(workload("agt-new-demo", "eu-lon-1")).build()))
        .isInstanceOf(SnapshotUpdates.RejectedUpdateException.class)
        .hasMessageContaining("without its placement");
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
            .addUpserted(workload("xyz-bad-demo", "eu-lon-1")).build()))
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

  @Test
  void aSigningKeyTheSidecarCannotUse_isLeftOut_andTheRestOfTheUpdateApplies() throws Exception {
    Entity demo = Entity.newBuilder().setWorkspace(Workspace.newBuilder().setId("demo")).build();
    String x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    Entity good = Entity.newBuilder().setSigningKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder().setKeyId("ed-good")
        .setWorkspace("demo").setAlg("ed25519").addScopes("agt:invoke")
        .setJwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\"}")).build();
    // Stored before spellings were checked: the same key with padding.
    Entity padded = Entity.newBuilder().setSigningKey(good.getSigningKey().toBuilder().setKeyId("ed-padded")
        .setJwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "=\"}")).build();

    AuthzSnapshot next = SnapshotUpdates.apply(full(), SnapshotUpdate.newBuilder().setVersion(4).setBaseVersion(3)
        .addUpserted(demo).addUpserted(good).addUpserted(padded).addUpserted(workload("agt-new-demo", "eu-lon-1"))
        .addPlacements(placement("agt-new-demo", "eu-lon-1")).build());

    assertThat(next.version()).isEqualTo(4);
    assertThat(next.signingKeys()).containsOnlyKeys("ed-good");
    assertThat(next.workloads()).containsKey(WorkloadId.parse("agt-new-demo"));
  }
}
