package dev.gantry.e2e;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.pki.Identity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Jaeger as {@code ./gantry up --observe} runs it: the binary {@code scripts/install-jaeger}
 * built, with the committed {@code observe/jaeger.yaml} (OTLP/gRPC and OTLP/HTTP in, the query API out, all
 * mutual TLS with the collector's certificate), on free ports; read through its HTTP API as an
 * operator.
 */
final class JaegerProcess implements AutoCloseable {

  final int otlpPort = FreePorts.next();
  final int otlpHttpPort = FreePorts.next();
  final int queryPort = FreePorts.next();
  final int queryGrpcPort = FreePorts.next();
  private final Process process;
  private final Path log;
  final HttpClient operator;

  private JaegerProcess(Path workDir, TestPki pki) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("jaeger").toAbsolutePath());
    Files.copy(EnvoyProcess.projectDir().resolve("observe/jaeger.yaml"), dir.resolve("jaeger.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(dir.resolve("pki"));
    Files.createSymbolicLink(dir.resolve("pki"), pki.dir().toAbsolutePath());
    // This stack's collector certificate (./gantry pki init issues it for ./gantry up).
    pki.files(Identity.collector("jaeger"));
    log = dir.resolve("jaeger.log");
    ProcessBuilder builder = new ProcessBuilder(EnvoyProcess.projectDir().resolve(".gantry/jaeger/bin/jaeger").toString(),
        "--config", "jaeger.yaml")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("GANTRY_OTLP_LISTEN", "127.0.0.1:" + otlpPort);
    builder.environment().put("GANTRY_OTLP_HTTP_LISTEN", "127.0.0.1:" + otlpHttpPort);
    builder.environment().put("GANTRY_JAEGER_QUERY_LISTEN", "127.0.0.1:" + queryPort);
    builder.environment().put("GANTRY_JAEGER_QUERY_GRPC_LISTEN", "127.0.0.1:" + queryGrpcPort);
    process = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    operator = HttpClient.newBuilder().sslContext(pki.clientContext(Identity.operator("local")))
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** Starts Jaeger and waits until its query API answers (at most 30 s). */
  static JaegerProcess start(Path workDir, TestPki pki) throws Exception {
    JaegerProcess jaeger = new JaegerProcess(workDir, pki);
    for (int i = 0; i < 150; i++) {
      if (!jaeger.process.isAlive()) {
        throw new IllegalStateException("Jaeger exited: " + Files.readString(jaeger.log));
      }
      try {
        if (jaeger.get("/api/services").statusCode() == 200) {
          return jaeger;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    jaeger.close();
    throw new IllegalStateException("Jaeger did not answer within 30 s: " + Files.readString(jaeger.log));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(operator, path);
  }

  HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + queryPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The trace's spans, as Jaeger's API gives them (an empty array while it has none). */
  JsonObject trace(String traceId) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/api/traces/" + traceId);
    if (response.statusCode() == 404) {
      JsonObject none = new JsonObject();
      none.add("spans", new JsonArray());
      none.add("processes", new JsonObject());
      return none;
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("Jaeger answered " + response.statusCode() + ": " + response.body());
    }
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("data").get(0).getAsJsonObject();
  }

  /** Traces of {@code service} whose spans carry the tag {@code key}={@code value}. */
  JsonArray search(String service, String key, String value) throws IOException, InterruptedException {
    String tags = URLEncoder.encode("{\"" + key + "\":\"" + value + "\"}", StandardCharsets.UTF_8);
    HttpResponse<String> response = get("/api/traces?service=" + service + "&tags=" + tags + "&lookback=1h&limit=20");
    if (response.statusCode() != 200) {
      throw new IllegalStateException("Jaeger answered " + response.statusCode() + ": " + response.body());
    }
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("data");
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
