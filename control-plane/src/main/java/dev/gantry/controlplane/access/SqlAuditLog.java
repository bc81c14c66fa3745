package dev.gantry.controlplane.access;

import dev.gantry.controlplane.store.Database;
import dev.gantry.controlplane.store.StoreException;
import dev.gantry.proto.fleet.v1.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log in the control plane's store ({@code audit_log}, migration V7): shared by every
 * control-plane replica of a PostgreSQL store, kept across restarts.
 */
public final class SqlAuditLog implements AuditLog {

  private final Database database;

  public SqlAuditLog(Database database) {
    this.database = database;
  }

  @Override
  public void append(AuditRecord record) {
    try (Connection connection = database.connect();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO audit_log (at_millis, principal, method, request, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, record.getAtEpochMillis());
      insert.setString(2, record.getPrincipal());
      insert.setString(3, record.getMethod());
      insert.setString(4, record.getRequest());
      insert.setString(5, record.getOutcome());
      insert.setString(6, record.getDetail());
      insert.executeUpdate();
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException("audit log in " + database.describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<AuditRecord> newest(int limit, String principal) {
    String sql = "SELECT seq, at_millis, principal, method, request, outcome, detail FROM audit_log"
        + (principal.isEmpty() ? "" : " WHERE principal = ?") + " ORDER BY seq DESC LIMIT " + Math.max(1, limit);
    try (Connection connection = database.connect(); PreparedStatement query = connection.prepareStatement(sql)) {
      if (!principal.isEmpty()) {
        query.setString(1, principal);
      }
      List<AuditRecord> records = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          records.addFirst(AuditRecord.newBuilder()
              .setSequence(rows.getLong(1)).setAtEpochMillis(rows.getLong(2)).setPrincipal(rows.getString(3))
              .setMethod(rows.getString(4)).setRequest(rows.getString(5)).setOutcome(rows.getString(6))
              .setDetail(rows.getString(7)).build());
        }
      }
      connection.commit();
      return records;
    } catch (SQLException e) {
      throw new StoreException("audit log in " + database.describe() + ": " + e.getMessage(), e);
    }
  }
}
