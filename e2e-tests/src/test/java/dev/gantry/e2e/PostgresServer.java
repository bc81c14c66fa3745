package dev.gantry.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for a test: Debian's binaries ({@code scripts/install-postgres}
 * makes sure they are there), a fresh cluster in a temporary directory, listening on a free
 * loopback port, trust authentication, stopped and deleted on close. PostgreSQL refuses to run
 * as root; as root, the server runs as the {@code postgres} user the package creates.
 */
final class PostgresServer implements AutoCloseable {

  final int port = FreePorts.next();
  private final Path bin;
  private final Path dataDir;
  private final boolean asPostgresUser;

  PostgresServer() throws Exception {
    bin = binaries();
    asPostgresUser = "root".equals(System.getProperty("user.name"));
    Path base = Files.createTempDirectory("gantry-pg-");
    dataDir = base.resolve("data");
    if (asPostgresUser) {
      UserPrincipal postgres = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(base, postgres);
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
    }
    run(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "gantry", "--auth=trust",
        "--no-sync", "-E", "UTF8", "--locale=C");
    run(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "30", "-l", base.resolve("log").toString(),
        "-o", "-p " + port + " -h 127.0.0.1 -k " + base + " -c fsync=off -c max_connections=200", "start");
    try (Connection connection = DriverManager.getConnection(url("postgres"), credentials());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE gantry");
    }
  }

  /** The JDBC URL of the test's database. */
  String url() {
    return url("gantry");
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Runs an SQL file (a pg_dump) in the test's database with psql (made readable to the server's user). */
  void load(Path sql) throws Exception {
    Files.setPosixFilePermissions(sql, PosixFilePermissions.fromString("rw-r--r--"));
    run(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "gantry", "-d", "gantry",
        "-v", "ON_ERROR_STOP=1", "-q", "-f", sql.toString());
  }

  Properties credentials() {
    Properties credentials = new Properties();
    credentials.setProperty("user", "gantry");
    return credentials;
  }

  private static Path binaries() throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql (run scripts/install-postgres)"));
    }
  }

  private void run(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", full) + " failed:\n" + output);
    }
  }

  @Override
  public void close() throws Exception {
    run(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
    try (Stream<Path> files = Files.walk(dataDir.getParent())) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
