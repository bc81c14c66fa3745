package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.store.Database;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.controlplane.store.V5StoreFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL store written by the release before the fleet schema (a {@code pg_dump} of it,
 * {@code stores/v5/postgres.sql}) restored into a real PostgreSQL, opened by this release: Flyway
 * takes over the old migration history, moves the tables into entity rows, and the control plane
 * serves the same state; a second control plane opening it afterwards finds nothing to migrate.
 */
class StoreMigrationIT {

  @Test
  void postgresStoreOfTheV5Release_migrates_andServesTheSameState() throws Exception {
    try (PostgresServer postgres = new PostgresServer()) {
      String dump;
      try (InputStream in = V5StoreFixture.class.getResourceAsStream("/stores/v5/postgres.sql")) {
        dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      // psql meta-commands of newer pg_dump versions (\restrict) that an older psql would refuse.
      Path file = Files.createTempFile("gantry-v5-", ".sql");
      Files.writeString(file, dump.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict")).collect(Collectors.joining("\n")));
      postgres.load(file);
      Files.delete(file);

      String identity;
      try (Database first = Database.open(postgres.url(), postgres.credentials())) {
        V5StoreFixture.assertServesTheV5State(new FleetStore(first).current(), V5StoreFixture.POSTGRES_ACME_KEY);
        identity = first.identity();
      }
      try (Database second = Database.open(postgres.url(), postgres.credentials())) {
        assertThat(second.identity()).isEqualTo(identity);
        V5StoreFixture.assertServesTheV5State(new FleetStore(second).current(), V5StoreFixture.POSTGRES_ACME_KEY);
      }
    }
  }
}
