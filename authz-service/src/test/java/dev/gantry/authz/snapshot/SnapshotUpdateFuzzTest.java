package dev.gantry.authz.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.Region;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;

/**
 * Coverage-guided fuzzing of the snapshot stream's decoder: any bytes, decoded as an update and
 * applied on top of a snapshot held (or on nothing), give a new snapshot or a {@link
 * SnapshotUpdates.RejectedUpdateException}, never another exception, and never change the
 * snapshot held. {@code scripts/fuzz SnapshotUpdateFuzzTest#update <seconds>} searches further.
 */
class SnapshotUpdateFuzzTest {

  private static final AuthzSnapshot HELD = held();

  @FuzzTest
  void update(byte[] input) {
    SnapshotUpdate update;
    try {
      update = SnapshotUpdate.parseFrom(input);
    } catch (InvalidProtocolBufferException refused) {
      return;
    }
    String before = HELD.toString();
    for (AuthzSnapshot base : new AuthzSnapshot[] {HELD, null}) {
      try {
        AuthzSnapshot next = SnapshotUpdates.apply(base, update);
        assertThat(next).isNotNull();
        assertThat(next.version()).isEqualTo(update.getVersion());
      } catch (SnapshotUpdates.RejectedUpdateException refused) {
        assertThat(refused.getMessage()).isNotBlank();
      }
    }
    assertThat(HELD.toString()).as("the snapshot held is unchanged").isEqualTo(before);
  }

  private static AuthzSnapshot held() {
    try {
      return SnapshotUpdates.apply(null, SnapshotUpdate.newBuilder().setVersion(3).setFull(true)
          .setCatalog(Catalog.newBuilder().addBaseDomains("run.localhost")
              .addRegions(Region.newBuilder().setId("eu-lon-1").setCountry("GB").setContinent("EU")))
          .addUpserted(Entity.newBuilder().setWorkload(
              Workload.newBuilder().setId("agt-echo-demo").setPublic(true).addRegions("eu-lon-1")))
          .addPlacements(Placement.newBuilder().setWorkload("agt-echo-demo").addAllowedRegions("eu-lon-1").setPolicy("p"))
          .build());
    } catch (SnapshotUpdates.RejectedUpdateException e) {
      throw new IllegalStateException(e);
    }
  }
}
