package dev.gantry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PkiDirectory;
import dev.gantry.pki.TlsFiles;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint as Prometheus and an outsider see it: a scraper or operator with the
 * fleet's certificate reads the SDK's metrics in the Prometheus format; no certificate, another
 * part's, another CA's or plain HTTP gets nothing.
 */
class MetricsEndpointTest {

  @TempDir Path dir;
  private Telemetry telemetry;
  private MetricsEndpoint endpoint;
  private PkiDirectory pki;

  @BeforeEach
  void start() throws Exception {
    pki = PkiDirectory.open(dir.resolve("pki"));
    telemetry = Telemetry.start("gantry-test", true);
    telemetry.meter("dev.gantry.test").counterBuilder("gantry.test.things").build().add(3);
    endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), telemetry, pki.ensure(Identity.authz("eu-lon-1")));
  }

  @AfterEach
  void stop() {
    endpoint.close();
    telemetry.close();
  }

  private HttpResponse<String> scrape(TlsFiles client) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(clientContext(client, pki.ensure(Identity.controlPlane()).ca()))
        .connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + endpoint.port() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aScraperOrAnOperator_readsTheSdksMetrics_inThePrometheusFormat() throws Exception {
    for (Identity reader : new Identity[] {Identity.scraper("prometheus"), Identity.operator("local")}) {
      HttpResponse<String> response = scrape(pki.ensure(reader));
      assertThat(response.statusCode()).as(reader.toString()).isEqualTo(200);
      assertThat(response.body()).as(reader.toString())
          .contains("gantry_test_things_total{otel_scope_name=\"dev.gantry.test\"")
          .contains("target_info{").contains("service_name=\"gantry-test\"");
    }
  }

  @Test
  void otherPartsOfGantry_areRefusedInTheHandshake() throws Exception {
    for (Identity other : new Identity[] {Identity.authz("eu-lon-1"), Identity.gateway("eu-lon-1"), Identity.controlPlane(),
        Identity.registrar("demo-echo"), Identity.workspaceAdmin("demo", "alice")}) {
      TlsFiles files = pki.ensure(other);
      assertThatThrownBy(() -> scrape(files)).as(other.toString()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aScraperOfAnotherCa_isRefused() throws Exception {
    TlsFiles foreign = PkiDirectory.open(dir.resolve("other-pki")).ensure(Identity.scraper("prometheus"));
    // Its own CA's certificate, our server's CA as the one it trusts: only its chain is foreign.
    TlsFiles mixed = new TlsFiles(pki.ensure(Identity.controlPlane()).ca(), foreign.cert(), foreign.key());
    assertThatThrownBy(() -> scrape(mixed)).isInstanceOf(IOException.class);
  }

  @Test
  void noCertificate_orPlainHttp_getsNothing() throws Exception {
    SSLContext anonymous = clientContext(null, pki.ensure(Identity.controlPlane()).ca());
    HttpClient http = HttpClient.newBuilder().sslContext(anonymous).connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + endpoint.port() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

    try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String answer;
      try {
        answer = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        answer = "";
      }
      assertThat(answer).as("plain HTTP is never answered with metrics").doesNotContain("gantry_test_things");
    }
  }

  @Test
  void clientsThatConnectAndStall_doNotKeepAScraperOut() throws Exception {
    // More stalled clients than handler threads, each having sent one byte of a handshake.
    java.util.List<Socket> stalled = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 2 * MetricsEndpoint.HANDLERS; i++) {
        Socket socket = new Socket("127.0.0.1", endpoint.port());
        socket.getOutputStream().write(0x16);
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      HttpClient http = HttpClient.newBuilder()
          .sslContext(clientContext(pki.ensure(Identity.scraper("prometheus")), pki.ensure(Identity.controlPlane()).ca())).build();
      // A scrape that queued behind them may itself run out of time before a thread takes it
      // (the server's timer counts from the connection); the next scrape, as Prometheus makes
      // one every interval, finds the stalled clients gone. Without the time limit, none would.
      HttpResponse<String> response = null;
      for (int scrape = 0; scrape < 3 && response == null; scrape++) {
        try {
          response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + endpoint.port() + "/metrics"))
              .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException cutWhileQueued) {
          // the next scrape
        }
      }
      assertThat(response).as("a scrape answered while the stalled clients still hold their sockets").isNotNull();
      assertThat(response.statusCode()).as("answered once the stalled clients' time ran out").isEqualTo(200);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  @Test
  void otelsOwnPrometheusExporter_isRefused_forItWouldServeEveryone() {
    System.setProperty("otel.metrics.exporter", "otlp,prometheus");
    try {
      assertThatThrownBy(() -> Telemetry.start("gantry-test", false)).hasMessageContaining("--metrics-listen");
    } finally {
      System.clearProperty("otel.metrics.exporter");
    }
  }

  /** A TLS client showing {@code client}'s certificate (none when null) and trusting {@code ca}. */
  private static SSLContext clientContext(TlsFiles client, Path ca) throws Exception {
    AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
    trust.updateTrustCredentials(ca.toFile());
    KeyManager[] keys = null;
    if (client != null) {
      AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
      keyManager.updateIdentityCredentials(client.cert().toFile(), client.key().toFile());
      keys = new KeyManager[] {keyManager};
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, new TrustManager[] {trust}, null);
    return context;
  }
}
