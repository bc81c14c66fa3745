package dev.gantry.controlplane.store;

import dev.gantry.controlplane.fleet.FleetEntities;
import dev.gantry.controlplane.model.FleetState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Moves the state from a table per kind (V1–V5) into one generic table of fleet entities:
 * {@code fleet_entities(kind, id, version, body)}, {@code body} the {@code gantry.fleet.v1.Entity}
 * message. The rows say what they held before; the state they describe is the same, at the
 * same version. The old tables are dropped, and with them the pre-Flyway {@code gantry_schema}.
 */
public final class V6__Fleet_entities extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE fleet_entities ("
          + "kind VARCHAR(32) NOT NULL, "
          + "id VARCHAR(600) NOT NULL, "
          + "version BIGINT NOT NULL, "              // the state version that last wrote it
          + "body " + (postgres ? "BYTEA" : "VARBINARY(1048576)") + " NOT NULL, "
          + "PRIMARY KEY (kind, id))");
      statement.execute("CREATE INDEX fleet_entities_version ON fleet_entities (version)");
      statement.execute("CREATE TABLE IF NOT EXISTS store_identity (id INTEGER PRIMARY KEY, identity VARCHAR(64) NOT NULL)");
    }
    FleetState state = LegacyRows.load(connection);
    EntityRows.insert(connection, FleetEntities.all(state).values(), state.version());
    try (Statement statement = connection.createStatement()) {
      for (String table : new String[] {"workspaces", "workloads", "replicas", "aliases", "custom_domains", "gantry_schema"}) {
        statement.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
