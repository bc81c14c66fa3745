package dev.gantry.controlplane.usage;

import dev.gantry.controlplane.store.Database;
import dev.gantry.controlplane.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Usage in the database ({@code usage_minutes}): each report adds to its minutes' rows (an
 * update, or an insert for a new minute). Two control-plane replicas inserting the same new
 * minute at once: one insert loses on the primary key and its whole report is added again, now
 * by updates.
 */
public final class SqlUsageBook implements UsageBook {

  private static final String COUNTS =
      "requests, input_tokens, output_tokens, cached_tokens, bytes, without_usage, incomplete";

  private final Database database;

  public SqlUsageBook(Database database) {
    this.database = database;
  }

  @Override
  public void add(List<UsageMinute> minutes) {
    try {
      run(connection -> addAll(connection, minutes));
    } catch (StoreException first) {
      run(connection -> addAll(connection, minutes)); // a concurrent insert of the same minute: now an update
    }
  }

  private static Void addAll(Connection connection, List<UsageMinute> minutes) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE usage_minutes SET requests = requests + ?,"
            + " input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, cached_tokens = cached_tokens + ?,"
            + " bytes = bytes + ?, without_usage = without_usage + ?, incomplete = incomplete + ?"
            + " WHERE workspace = ? AND workload = ? AND credential = ? AND region = ? AND minute_start = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO usage_minutes (workspace, workload,"
            + " credential, region, minute_start, " + COUNTS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      // In key order: two control planes adding overlapping reports lock rows in the same order.
      List<UsageMinute> sorted = minutes.stream().sorted(java.util.Comparator.comparing(UsageMinute::workspace)
          .thenComparing(UsageMinute::workload).thenComparing(UsageMinute::credential)
          .thenComparing(UsageMinute::region).thenComparingLong(UsageMinute::minute)).toList();
      for (UsageMinute m : sorted) {
        counts(update, 1, m.counts());
        key(update, 8, m);
        if (update.executeUpdate() == 0) {
          key(insert, 1, m);
          counts(insert, 6, m.counts());
          insert.executeUpdate();
        }
      }
    }
    return null;
  }

  private static void key(PreparedStatement statement, int first, UsageMinute m) throws SQLException {
    statement.setString(first, m.workspace());
    statement.setString(first + 1, m.workload());
    statement.setString(first + 2, m.credential());
    statement.setString(first + 3, m.region());
    statement.setLong(first + 4, m.minute());
  }

  private static void counts(PreparedStatement statement, int first, UsageCounts c) throws SQLException {
    long[] values = {c.requests(), c.inputTokens(), c.outputTokens(), c.cachedTokens(), c.bytes(), c.withoutUsage(),
        c.incomplete()};
    for (int i = 0; i < values.length; i++) {
      statement.setLong(first + i, values[i]);
    }
  }

  private static UsageCounts counts(ResultSet rows, int first) throws SQLException {
    return new UsageCounts(rows.getLong(first), rows.getLong(first + 1), rows.getLong(first + 2), rows.getLong(first + 3),
        rows.getLong(first + 4), rows.getLong(first + 5), rows.getLong(first + 6));
  }

  private static final String SUMS = "COALESCE(SUM(requests), 0), COALESCE(SUM(input_tokens), 0),"
      + " COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(bytes), 0),"
      + " COALESCE(SUM(without_usage), 0), COALESCE(SUM(incomplete), 0)";

  @Override
  public UsageCounts total(String workspace, long fromEpochSecond) {
    return run(connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT " + SUMS + " FROM usage_minutes WHERE workspace = ? AND minute_start >= ?")) {
        query.setString(1, workspace);
        query.setLong(2, fromEpochSecond);
        try (ResultSet rows = query.executeQuery()) {
          rows.next();
          return counts(rows, 1);
        }
      }
    });
  }

  @Override
  public Map<String, SortedMap<Long, UsageCounts>> byWorkload(String workspace, long fromEpochSecond, long periodSeconds) {
    return run(connection -> {
      Map<String, SortedMap<Long, UsageCounts>> result = new TreeMap<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT workload, minute_start, " + COUNTS
          + " FROM usage_minutes WHERE workspace = ? AND minute_start >= ?")) {
        query.setString(1, workspace);
        query.setLong(2, fromEpochSecond);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            long period = Math.floorDiv(rows.getLong(2), periodSeconds) * periodSeconds;
            result.computeIfAbsent(rows.getString(1), w -> new TreeMap<>()).merge(period, counts(rows, 3), UsageCounts::plus);
          }
        }
      }
      return result;
    });
  }

  @Override
  public void dropBefore(long epochSecond) {
    run(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM usage_minutes WHERE minute_start < ?")) {
        delete.setLong(1, epochSecond);
        delete.executeUpdate();
      }
      return null;
    });
  }

  private <T> T run(Database.Work<T> work) {
    return database.inTransaction("usage", work);
  }
}
