package dev.gantry.controlplane.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the control plane keeps its state: an embedded H2 file (one file under a data
 * directory, nothing to set up) or PostgreSQL (for several control-plane replicas). Opening it
 * applies the versioned schema migrations ({@code db/migration/V<n>__<name>.sql}) that are not
 * applied yet, each in its own transaction, recorded in {@code gantry_schema}; concurrent
 * openers on PostgreSQL take turns (an advisory lock).
 */
public final class Database {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** Every migration, in order. Append; never edit one that shipped. */
  static final List<String> MIGRATIONS = List.of("V1__fleet.sql", "V2__names.sql", "V3__api_keys.sql", "V4__signing_keys.sql", "V5__forward_credential.sql");

  /** Which SQL engine: the few places they differ. */
  enum Dialect {
    H2,
    POSTGRESQL
  }

  private final String url;
  private final Properties credentials;
  private final Dialect dialect;
  private String identity;

  private Database(String url, Properties credentials, Dialect dialect) {
    this.url = url;
    this.credentials = credentials;
    this.dialect = dialect;
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
   * {@code jdbc:h2:...}.
   */
  public static Database open(String url, Properties credentials) {
    Dialect dialect;
    if (url.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRESQL;
    } else if (url.startsWith("jdbc:h2:")) {
      dialect = Dialect.H2;
    } else {
      throw new StoreException("store URL '" + url + "' (expected: jdbc:postgresql://... or jdbc:h2:...)", null);
    }
    Database database = new Database(url, credentials, dialect);
    database.migrate();
    return database;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * True when other control-plane processes may write to it (PostgreSQL); an embedded file is
   * this process's alone.
   */
  public boolean isShared() {
    return dialect == Dialect.POSTGRESQL;
  }

  /**
   * A random id given to the store when it was created: versions are comparable only between
   * states of one store.
   */
  public String identity() {
    return identity;
  }

  /** Idle connections kept for reuse: opening one costs more than most queries (PostgreSQL forks). */
  private static final int IDLE_CONNECTIONS = 4;

  private final java.util.concurrent.BlockingDeque<Connection> idle = new java.util.concurrent.LinkedBlockingDeque<>();

  /**
   * A connection whose transactions the caller commits or rolls back; closing it rolls back what
   * was not committed and keeps it for the next caller. One that failed is not reused.
   */
  public Connection connect() throws SQLException {
    Connection pooled = idle.pollFirst();
    Connection raw = pooled != null && !pooled.isClosed() ? pooled : open();
    boolean[] broken = {false};
    return (Connection) java.lang.reflect.Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            release(raw, broken[0]);
            return null;
          }
          try {
            return method.invoke(raw, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof SQLException) {
              broken[0] = true;
            }
            throw e.getCause();
          }
        });
  }

  private Connection open() throws SQLException {
    Connection connection = DriverManager.getConnection(url, credentials);
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    return connection;
  }

  private void release(Connection raw, boolean broken) throws SQLException {
    if (!broken && !raw.isClosed()) {
      try {
        raw.rollback();
        if (idle.size() < IDLE_CONNECTIONS) {
          idle.offerFirst(raw);
          return;
        }
      } catch (SQLException e) {
        // fall through: close it
      }
    }
    raw.close();
  }

  /** Where it is, without secrets: for logs. */
  public String describe() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  private void migrate() {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS gantry_schema ("
            + "version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)");
      }
      connection.commit();
      for (int i = 0; i < MIGRATIONS.size(); i++) {
        int version = i + 1;
        String name = MIGRATIONS.get(i);
        if (dialect == Dialect.POSTGRESQL) {
          try (Statement lock = connection.createStatement()) {
            lock.execute("SELECT pg_advisory_xact_lock(4711)");
          }
        }
        if (applied(connection, version)) {
          connection.commit();
          continue;
        }
        try (Statement statement = connection.createStatement()) {
          for (String sql : statements(name)) {
            statement.execute(sql);
          }
        }
        try (PreparedStatement record = connection.prepareStatement(
            "INSERT INTO gantry_schema (version, name, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
          record.setInt(1, version);
          record.setString(2, name);
          record.executeUpdate();
        }
        connection.commit();
        log.info("store {}: applied migration {}", describe(), name);
      }
      identity = identity(connection);
    } catch (SQLException e) {
      throw new StoreException("store " + describe() + " cannot be opened or migrated: " + e.getMessage(), e);
    }
  }

  private String identity(Connection connection) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (Statement lock = connection.createStatement()) {
        lock.execute("SELECT pg_advisory_xact_lock(4711)");
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS store_identity (id INTEGER PRIMARY KEY, identity VARCHAR(64) NOT NULL)");
    }
    try (PreparedStatement query = connection.prepareStatement("SELECT identity FROM store_identity WHERE id = 1");
        ResultSet rows = query.executeQuery()) {
      if (rows.next()) {
        String existing = rows.getString(1);
        connection.commit();
        return existing;
      }
    }
    String created = java.util.UUID.randomUUID().toString();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO store_identity (id, identity) VALUES (1, ?)")) {
      insert.setString(1, created);
      insert.executeUpdate();
    }
    connection.commit();
    return created;
  }

  private static boolean applied(Connection connection, int version) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM gantry_schema WHERE version = ?")) {
      query.setInt(1, version);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** The statements of a migration file: split on ';' at line ends, comments dropped. */
  private static List<String> statements(String name) {
    try (InputStream in = Database.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("migration " + name + " is missing from the jar");
      }
      StringBuilder text = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int comment = line.indexOf("--");
        text.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
      }
      return java.util.Arrays.stream(text.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException("migration " + name + " cannot be read", e);
    }
  }
}
