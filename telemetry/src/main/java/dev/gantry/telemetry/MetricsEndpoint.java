package dev.gantry.telemetry;

import dev.gantry.pki.HttpsTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A service's metrics for Prometheus: OTel's Prometheus metric reader (the SDK's metrics in the
 * Prometheus text format) served by the Prometheus client's HTTP server at {@code /metrics},
 * over mutual TLS. Only a scraper ({@code spiffe://gantry/scraper/<name>}) or an operator
 * ({@code spiffe://gantry/operator/<name>}) with a certificate from the fleet's CA completes the
 * handshake; anyone else — no certificate, another CA, another part of Gantry — is refused
 * before a byte of HTTP is read.
 */
public final class MetricsEndpoint implements AutoCloseable {

  private final HTTPServer server;
  private final ExecutorService handlers;

  private MetricsEndpoint(HTTPServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
  }

  /** Who may read metrics. */
  public static boolean mayScrape(Identity client) {
    return client.role() == Identity.Role.SCRAPER || client.role() == Identity.Role.OPERATOR;
  }

  /**
   * Serves {@code telemetry}'s Prometheus reader on {@code address}, as the part {@code tls}
   * names.
   *
   * @param reloads re-reads the certificate files; owned by the caller
   */
  public static MetricsEndpoint start(InetSocketAddress address, Telemetry telemetry, TlsFiles tls,
      ScheduledExecutorService reloads) throws IOException {
    if (telemetry.prometheus() == null) {
      throw new IllegalArgumentException("the telemetry was started without its Prometheus reader");
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(telemetry.prometheus());
    // One thread: scrapes come every few seconds, one at a time.
    ExecutorService handlers = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "metrics-endpoint");
      thread.setDaemon(true);
      return thread;
    });
    HTTPServer server = HTTPServer.builder()
        .inetAddress(address.getAddress())
        .port(address.getPort())
        .registry(registry)
        .executorService(handlers)
        .httpsConfigurator(HttpsTls.server(tls, MetricsEndpoint::mayScrape, reloads))
        .buildAndStart();
    return new MetricsEndpoint(server, handlers);
  }

  /** The port it listens on (useful when started on port 0). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
    handlers.shutdownNow();
  }
}
