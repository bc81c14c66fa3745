package dev.gantry.controlplane.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the control plane keeps its state: an embedded H2 file (one file under a data
 * directory, nothing to set up) or PostgreSQL (for several control-plane replicas). Connections
 * come from a HikariCP pool; opening it applies the versioned schema migrations that are not
 * applied yet with Flyway ({@code db/migration/V<n>__<name>.sql} and the Java migrations named
 * in {@link #MIGRATIONS}), which also makes concurrent openers take turns.
 *
 * <p>A store written by a release before Flyway kept its own history in {@code gantry_schema};
 * Flyway takes it over at the version recorded there and goes on from it.
 */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** The migrations written in Java (they need the codecs); SQL ones are found by name. */
  static final org.flywaydb.core.api.migration.JavaMigration[] MIGRATIONS = {new V6__Fleet_entities()};

  /** At most this many connections: writes are serialised anyway, reads are few. */
  private static final int POOL_SIZE = 4;

  private final HikariDataSource pool;
  private final boolean shared;
  private final String description;
  private final String identity;

  private Database(HikariDataSource pool, boolean shared, String description) {
    this.pool = pool;
    this.shared = shared;
    this.description = description;
    this.identity = readIdentity();
  }

  /** The embedded store: {@code <dataDir>/fleet.mv.db}, created on first use. */
  public static Database embedded(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StoreException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    }
    // DB_CLOSE_DELAY=-1: the database stays open between connections (else every short
    // connection would reopen the file, which costs far more than the query).
    return open("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("fleet") + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1",
        new Properties());
  }

  /** An embedded store in memory, gone with the process: for tests. */
  public static Database inMemory(String name) {
    return open("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", new Properties());
  }

  /**
   * A store by JDBC URL: {@code jdbc:postgresql://host:port/db?user=..&password=..} or
   * {@code jdbc:h2:...}; {@code credentials} may hold {@code user} and {@code password}.
   */
  public static Database open(String url, Properties credentials) {
    boolean shared;
    if (url.startsWith("jdbc:postgresql:")) {
      shared = true;
    } else if (url.startsWith("jdbc:h2:")) {
      shared = false;
    } else {
      throw new StoreException("store URL '" + url + "' (expected: jdbc:postgresql://... or jdbc:h2:...)", null);
    }
    int query = url.indexOf('?');
    String description = query < 0 ? url : url.substring(0, query);
    HikariConfig config = new HikariConfig();
    config.setPoolName("gantry-store");
    config.setJdbcUrl(url);
    config.setDataSourceProperties(credentials);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("store " + description + " cannot be opened: " + e.getMessage(), e);
    }
    try {
      migrate(pool, description);
      return new Database(pool, shared, description);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * True when other control-plane processes may write to it (PostgreSQL); an embedded file is
   * this process's alone.
   */
  public boolean isShared() {
    return shared;
  }

  /**
   * A random id given to the store when it was created: versions are comparable only between
   * states of one store.
   */
  public String identity() {
    return identity;
  }

  /**
   * A pooled connection whose transactions the caller commits or rolls back; closing it rolls
   * back what was not committed and returns it to the pool.
   */
  public Connection connect() throws SQLException {
    return pool.getConnection();
  }

  /** Work on one connection, in one transaction. */
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction of its own: committed when it returns, rolled back when
   * it throws; a database error is a {@link StoreException} naming {@code what} and the store.
   */
  public <T> T inTransaction(String what, Work<T> work) {
    try (Connection connection = connect()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(what + " in " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** Where it is, without secrets: for logs. */
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }

  private static void migrate(HikariDataSource pool, String description) {
    try {
      String legacy = legacyVersion(pool);
      var configuration = Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .javaMigrations(MIGRATIONS)
          .loggers("slf4j");
      if (legacy != null) {
        // A store of a release before Flyway: its history says which migrations it has.
        configuration.baselineOnMigrate(true).baselineVersion(legacy)
            .baselineDescription("migrations applied by gantry_schema");
      }
      var result = configuration.load().migrate();
      result.migrations.forEach(m -> log.info("store {}: applied migration {} {}", description, m.version, m.description));
    } catch (FlywayException | SQLException e) {
      throw new StoreException("store " + description + " cannot be migrated: " + e.getMessage(), e);
    }
  }

  /**
   * The last version a pre-Flyway release recorded in {@code gantry_schema}, or null when the
   * store has no such history (new, or Flyway's already).
   */
  private static String legacyVersion(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        if (hasTable(connection, "flyway_schema_history") || !hasTable(connection, "gantry_schema")) {
          return null;
        }
        try (Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM gantry_schema")) {
          rows.next();
          int version = rows.getInt(1);
          return version == 0 ? null : Integer.toString(version);
        }
      } finally {
        connection.rollback();
      }
    }
  }

  private static boolean hasTable(Connection connection, String name) throws SQLException {
    for (String candidate : new String[] {name, name.toUpperCase(java.util.Locale.ROOT)}) {
      try (ResultSet tables = connection.getMetaData().getTables(null, null, candidate, new String[] {"TABLE"})) {
        if (tables.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The store's identity, made (once, whoever comes first) when it has none. */
  private String readIdentity() {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        // The version row is the store's one lock: whoever holds it decides.
        statement.executeQuery("SELECT version FROM fleet_version WHERE id = 1 FOR UPDATE").close();
      }
      try (PreparedStatement query = connection.prepareStatement("SELECT identity FROM store_identity WHERE id = 1");
          ResultSet rows = query.executeQuery()) {
        if (rows.next()) {
          String existing = rows.getString(1);
          connection.commit();
          return existing;
        }
      }
      String created = UUID.randomUUID().toString();
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO store_identity (id, identity) VALUES (1, ?)")) {
        insert.setString(1, created);
        insert.executeUpdate();
      }
      connection.commit();
      return created;
    } catch (SQLException e) {
      throw new StoreException("store " + description + " cannot be read: " + e.getMessage(), e);
    }
  }
}
