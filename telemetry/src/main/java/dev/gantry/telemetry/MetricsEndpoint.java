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

  /** Threads answering scrapes: a few, so that clients stuck in a handshake cannot hold them all for long. */
  static final int HANDLERS = 4;

  private final HTTPServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService reloads;

  private MetricsEndpoint(HTTPServer server, ExecutorService handlers, ScheduledExecutorService reloads) {
    this.server = server;
    this.handlers = handlers;
    this.reloads = reloads;
  }

  /** The most a client may take to send its request (its TLS handshake included), in seconds. */
  static final long REQUEST_SECONDS = 5;

  /** Who may read metrics. */
  public static boolean mayScrape(Identity client) {
    return client.role() == Identity.Role.SCRAPER || client.role() == Identity.Role.OPERATOR;
  }

  /**
   * Serves {@code telemetry}'s Prometheus reader on {@code address}, as the part {@code tls}
   * names (its files re-read as {@link dev.gantry.pki.GrpcTls} does, until closed).
   *
   * <p>A client that connects and then stalls holds a handler thread for at most the JDK server's
   * request time limit, set here to {@link #REQUEST_SECONDS} unless the process set its own
   * ({@code sun.net.httpserver.maxReqTime}, read when the JDK's HTTP server is first used).
   */
  public static MetricsEndpoint start(InetSocketAddress address, Telemetry telemetry, TlsFiles tls) throws IOException {
    if (telemetry.prometheus() == null) {
      throw new IllegalArgumentException("the telemetry was started without its Prometheus reader");
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(telemetry.prometheus());
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_SECONDS));
      System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(2 * REQUEST_SECONDS));
    }
    ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "metrics-tls-reload");
      thread.setDaemon(true);
      return thread;
    });
    ExecutorService handlers = Executors.newFixedThreadPool(HANDLERS, r -> {
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
    return new MetricsEndpoint(server, handlers, reloads);
  }

  /** The port it listens on (useful when started on port 0). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
    handlers.shutdownNow();
    reloads.shutdownNow();
  }
}
