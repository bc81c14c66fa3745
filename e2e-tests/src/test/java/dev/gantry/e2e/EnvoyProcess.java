package dev.gantry.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The real Envoy binary (installed by {@code envoy/install-envoy}), started from the project's
 * own {@code envoy/bootstrap.yaml} with only what differs per test changed: its identity, its
 * admin port and where the control plane listens. Killed on close and at JVM exit, so no test
 * leaves it behind.
 */
final class EnvoyProcess implements AutoCloseable {

  private final Process process;
  private final int adminPort;
  private final Path log;
  private final Thread reaper;

  private EnvoyProcess(Process process, int adminPort, Path log) {
    this.process = process;
    this.adminPort = adminPort;
    this.log = log;
    this.reaper = new Thread(() -> kill(process), "envoy-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts the gateway Envoy of {@code region}, drained for at most 10 s when closed. */
  static EnvoyProcess start(String region, int controlPlanePort, Path workDir) throws IOException {
    return start(region, controlPlanePort, workDir, 10);
  }

  /**
   * Starts the gateway Envoy of {@code region} the way {@code ./gantry up} does: under
   * {@code envoy/run-gateway}, which drains it for up to {@code drainSeconds} on SIGTERM.
   */
  static EnvoyProcess start(String region, int controlPlanePort, Path workDir, int drainSeconds) throws IOException {
    return start(region, controlPlanePort, workDir, drainSeconds, "GRPC");
  }

  /** Starts the gateway Envoy of {@code region} speaking delta xDS ({@code api_type: DELTA_GRPC}). */
  static EnvoyProcess startDelta(String region, int controlPlanePort, Path workDir) throws IOException {
    return start(region, controlPlanePort, workDir, 10, "DELTA_GRPC");
  }

  private static EnvoyProcess start(String region, int controlPlanePort, Path workDir, int drainSeconds, String apiType)
      throws IOException {
    int adminPort = FreePorts.next();
    Path bootstrap = workDir.toAbsolutePath().resolve("bootstrap-" + region + ".yaml");
    Files.writeString(bootstrap, bootstrapFor(region, controlPlanePort, adminPort, apiType));
    Path log = workDir.toAbsolutePath().resolve("envoy-" + region + ".log");
    List<String> command = new ArrayList<>(List.of(
        projectDir().resolve("envoy/run-gateway").toString(),
        "--admin", "127.0.0.1:" + adminPort,
        "--drain-seconds", String.valueOf(drainSeconds),
        "--",
        binary().toString(),
        "-c", bootstrap.toString(),
        "--disable-hot-restart",
        "--concurrency", "2",
        "--log-level", "info",
        "--drain-time-s", "1",
        "--file-flush-interval-msec", "200"));
    Process process =
        new ProcessBuilder(command)
            // Its working directory holds sds/identity.yaml and sds/ca.yaml: its certificates.
            .directory(TestPki.in(workDir).gatewayDir(region).toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new EnvoyProcess(process, adminPort, log);
  }

  static Path binary() {
    String configured = System.getProperty("gantry.envoy.binary");
    Path envoy = configured != null ? Path.of(configured) : projectDir().resolve(".gantry/envoy/bin/envoy");
    if (!Files.isExecutable(envoy)) {
      throw new IllegalStateException(
          "no Envoy at " + envoy + ": run envoy/install-envoy (./mvnw verify does it in pre-integration-test)");
    }
    return envoy;
  }

  static Path projectDir() {
    String dir = System.getProperty("gantry.project.dir");
    return dir != null ? Path.of(dir) : Path.of("..").toAbsolutePath().normalize();
  }

  /** The project's bootstrap with this Envoy's identity, admin port and control plane. */
  @SuppressWarnings("unchecked")
  static String bootstrapFor(String region, int controlPlanePort, int adminPort, String apiType) throws IOException {
    Map<String, Object> bootstrap;
    try (InputStream in = Files.newInputStream(projectDir().resolve("envoy/bootstrap.yaml"))) {
      bootstrap = new Yaml().load(in);
    }
    ((Map<String, Object>) ((Map<String, Object>) bootstrap.get("dynamic_resources")).get("ads_config")).put("api_type", apiType);
    Map<String, Object> node = (Map<String, Object>) bootstrap.get("node");
    node.put("id", "gateway-" + region);
    ((Map<String, Object>) node.get("locality")).put("region", region);
    socketAddress((Map<String, Object>) bootstrap.get("admin")).put("port_value", adminPort);
    Map<String, Object> controlPlane =
        ((List<Map<String, Object>>) ((Map<String, Object>) bootstrap.get("static_resources")).get("clusters")).get(0);
    if (!"gantry-control-plane".equals(controlPlane.get("name"))) {
      throw new IllegalStateException("envoy/bootstrap.yaml: first static cluster is not gantry-control-plane");
    }
    Map<String, Object> endpoint =
        (Map<String, Object>) ((List<Map<String, Object>>) ((List<Map<String, Object>>)
            ((Map<String, Object>) controlPlane.get("load_assignment")).get("endpoints")).get(0).get("lb_endpoints")).get(0).get("endpoint");
    socketAddress(endpoint).put("port_value", controlPlanePort);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(bootstrap);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> socketAddress(Map<String, Object> holder) {
    return (Map<String, Object>) ((Map<String, Object>) holder.get("address")).get("socket_address");
  }

  /** GETs an admin endpoint, e.g. {@code /config_dump}. */
  /** Its admin port on loopback (statistics at /stats/prometheus). */
  int adminPort() {
    return adminPort;
  }

    String admin(String path) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A counter or gauge from the admin's {@code /stats}, 0 when Envoy has none by that name. */
  long stat(String name) {
    String filter = URLEncoder.encode("^" + name.replace(".", "\\.") + "$", StandardCharsets.UTF_8);
    String line = admin("/stats?filter=" + filter).trim();
    return line.isEmpty() ? 0 : Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** The sum of every stat whose name ends with {@code suffix}, e.g. every cluster's {@code outlier_detection.ejections_active}. */
  long statSum(String suffix) {
    String filter = URLEncoder.encode(suffix.replace(".", "\\.") + "$", StandardCharsets.UTF_8);
    return admin("/stats?filter=" + filter).lines().map(String::trim).filter(l -> !l.isEmpty())
        .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Envoy's own log so far, for failure messages. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The wrapper's process: a test sends it SIGTERM to drain the gateway. */
  Process process() {
    return process;
  }

  /** Kills the wrapper and Envoy under it at once. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill(process);
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: nothing to remove.
    }
  }
}
