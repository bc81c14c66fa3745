package dev.gantry.controlplane.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.controlplane.fleet.FleetEntities;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.proto.fleet.v1.Entity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The state as rows of {@code fleet_entities (kind, id, version, body)}, one per entity of any
 * kind ({@link FleetEntities}), on a connection whose transaction the caller owns. A new kind
 * or field needs nothing here.
 */
final class EntityRows {

  private EntityRows() {}

  /** The version row, locked until the transaction ends: writers take turns here. */
  static long lockVersion(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT version FROM fleet_version WHERE id = 1 FOR UPDATE");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static long version(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT version FROM fleet_version WHERE id = 1");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * The state the rows describe.
   *
   * @throws SQLException also when a row is not a valid entity (the store is not read at all)
   */
  static FleetState load(Connection connection) throws SQLException {
    long version = version(connection);
    List<Entity> entities = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT kind, id, body FROM fleet_entities");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        try {
          entities.add(Entity.parseFrom(rows.getBytes(3)));
        } catch (InvalidProtocolBufferException e) {
          throw new SQLException("entity " + rows.getString(1) + " '" + rows.getString(2) + "' is not a fleet entity: " + e.getMessage(), e);
        }
      }
    }
    try {
      return FleetEntities.state(version, entities);
    } catch (IllegalArgumentException e) {
      throw new SQLException("the stored entities do not make a valid state: " + e.getMessage(), e);
    }
  }

  /** Writes what changed from {@code before} to {@code after}, and {@code after}'s version. */
  static void write(Connection connection, FleetState before, FleetState after) throws SQLException {
    FleetEntities.Diff diff = FleetEntities.diff(before, after);
    List<FleetEntities.Key> replaced = new ArrayList<>(diff.removed());
    diff.upserted().forEach(e -> replaced.add(FleetEntities.key(e)));
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM fleet_entities WHERE kind = ? AND id = ?")) {
      for (FleetEntities.Key key : replaced) {
        delete.setString(1, key.kind());
        delete.setString(2, key.id());
        delete.addBatch();
      }
      delete.executeBatch();
    }
    insert(connection, diff.upserted(), after.version());
    try (PreparedStatement update = connection.prepareStatement("UPDATE fleet_version SET version = ? WHERE id = 1")) {
      update.setLong(1, after.version());
      update.executeUpdate();
    }
  }

  static void insert(Connection connection, Collection<Entity> entities, long version) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO fleet_entities (kind, id, version, body) VALUES (?, ?, ?, ?)")) {
      for (Entity entity : entities) {
        FleetEntities.Key key = FleetEntities.key(entity);
        insert.setString(1, key.kind());
        insert.setString(2, key.id());
        insert.setLong(3, version);
        insert.setBytes(4, entity.toByteArray());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
