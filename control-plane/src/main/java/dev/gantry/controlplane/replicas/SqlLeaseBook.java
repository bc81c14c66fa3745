package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.store.Database;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Leases in the database ({@code replica_leases}): a replica may heartbeat any control-plane
 * replica, and whichever sweeps first removes what ran out. Expiry is by the control planes'
 * wall clocks, which must roughly agree (well within a lease).
 */
public final class SqlLeaseBook implements LeaseBook {

  private final Database database;

  public SqlLeaseBook(Database database) {
    this.database = database;
  }

  @Override
  public void grant(Replica replica, long ttlMillis, long nowMillis) {
    run(connection -> {
      delete(connection, replica);
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO replica_leases "
          + "(workload, region, address, ttl_millis, expires_at_millis) VALUES (?, ?, ?, ?, ?)")) {
        key(insert, replica);
        insert.setLong(4, ttlMillis);
        insert.setLong(5, nowMillis + ttlMillis);
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public long renew(Replica replica, long nowMillis) {
    return run(connection -> {
      long ttl;
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT ttl_millis FROM replica_leases WHERE workload = ? AND region = ? AND address = ?")) {
        key(query, replica);
        try (ResultSet rows = query.executeQuery()) {
          if (!rows.next()) {
            return -1L;
          }
          ttl = rows.getLong(1);
        }
      }
      try (PreparedStatement update = connection.prepareStatement("UPDATE replica_leases SET expires_at_millis = ? "
          + "WHERE workload = ? AND region = ? AND address = ?")) {
        update.setLong(1, nowMillis + ttl);
        update.setString(2, replica.workload().toString());
        update.setString(3, replica.region());
        update.setString(4, replica.address().toString());
        update.executeUpdate();
      }
      return ttl;
    });
  }

  @Override
  public void drop(Replica replica) {
    run(connection -> {
      delete(connection, replica);
      return null;
    });
  }

  @Override
  public boolean holds(Replica replica) {
    return run(connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT 1 FROM replica_leases WHERE workload = ? AND region = ? AND address = ?")) {
        key(query, replica);
        try (ResultSet rows = query.executeQuery()) {
          return rows.next();
        }
      }
    });
  }

  @Override
  public java.util.Map<String, Long> countByRegion() {
    return run(connection -> {
      java.util.Map<String, Long> counts = new java.util.TreeMap<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT region, count(*) FROM replica_leases GROUP BY region");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          counts.put(rows.getString(1), rows.getLong(2));
        }
      }
      return counts;
    });
  }

  @Override
  public List<Replica> expired(long nowMillis) {
    return run(connection -> {
      List<Replica> expired = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT workload, region, address FROM replica_leases WHERE expires_at_millis < ?")) {
        query.setLong(1, nowMillis);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            expired.add(new Replica(WorkloadId.parse(rows.getString(1)), rows.getString(2), HostPort.parse(rows.getString(3))));
          }
        }
      }
      return expired;
    });
  }

  private <T> T run(Database.Work<T> work) {
    return database.inTransaction("replica leases", work);
  }


  private static void delete(Connection connection, Replica replica) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM replica_leases WHERE workload = ? AND region = ? AND address = ?")) {
      key(delete, replica);
      delete.executeUpdate();
    }
  }

  private static void key(PreparedStatement statement, Replica replica) throws SQLException {
    statement.setString(1, replica.workload().toString());
    statement.setString(2, replica.region());
    statement.setString(3, replica.address().toString());
  }
}
