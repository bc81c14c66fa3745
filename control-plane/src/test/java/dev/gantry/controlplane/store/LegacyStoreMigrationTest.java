package dev.gantry.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.routing.WorkloadId;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by the release before the fleet schema (tables per kind, its own migration
 * history) opens, migrates with Flyway into entity rows, and serves the same state. The fixture,
 * {@code stores/v5/fleet.mv.db}, was written by that release's control plane and CLI
 * (stores/v5/README.md says how); {@link V5StoreFixture} is what its CLI listed then.
 */
class LegacyStoreMigrationTest {

  @Test
  void h2StoreOfTheV5Release_migrates_andServesTheSameState(@TempDir Path dir) throws Exception {
    try (InputStream fixture = getClass().getResourceAsStream("/stores/v5/fleet.mv.db")) {
      Files.copy(fixture, dir.resolve("fleet.mv.db"));
    }
    String identityBefore;
    try (Database database = Database.embedded(dir)) {
      FleetState migrated = new FleetStore(database).current();
      V5StoreFixture.assertServesTheV5State(migrated, V5StoreFixture.H2_ACME_KEY);
      identityBefore = database.identity();
      try (Connection connection = database.connect();
          ResultSet history = connection.createStatement().executeQuery(
              "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"");
          ResultSet legacy = connection.getMetaData().getTables(null, null, "WORKLOADS", null)) {
        StringBuilder versions = new StringBuilder();
        while (history.next()) {
          versions.append(history.getString(1)).append(' ');
        }
        assertThat(versions.toString().strip()).as("baselined at the old history's last version, then V6 on").startsWith("5 6");
        assertThat(legacy.next()).as("the per-kind tables are gone").isFalse();
      }
    }
    try (Database reopened = Database.embedded(dir)) {
      FleetStore store = new FleetStore(reopened);
      assertThat(reopened.identity()).as("versions stay comparable: the store keeps its identity").isEqualTo(identityBefore);
      FleetState next = store.update(s -> new Deployments(TestTopologies.local()).delete(s, WorkloadId.parse("sbx-shell-acme")));
      assertThat(next.version()).as("versions go on from the old store's").isEqualTo(16);
    }
    try (Database again = Database.embedded(dir)) {
      assertThat(new FleetStore(again).current().workloads()).doesNotContainKey(WorkloadId.parse("sbx-shell-acme"));
    }
  }
}
