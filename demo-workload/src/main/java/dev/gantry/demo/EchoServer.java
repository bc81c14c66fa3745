package dev.gantry.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo workload: answers every request with JSON describing what it received (method,
 * path with query exactly as sent, headers) and what it is (workload, region). Tests read that
 * answer to see what a gateway forwarded.
 */
public final class EchoServer implements AutoCloseable {

  private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

  private final HttpServer server;
  private final String workload;
  private final String region;
  private final AtomicLong served = new AtomicLong();

  private EchoServer(HttpServer server, String workload, String region) {
    this.server = server;
    this.workload = workload;
    this.region = region;
  }

  /**
   * Starts answering on {@code address}.
   *
   * @param workload the workload id it reports, e.g. {@code agt-echo-demo}
   * @param region the region it reports
   * @param executor runs request handlers; owned by the caller
   */
  public static EchoServer start(InetSocketAddress address, String workload, String region, ExecutorService executor)
      throws IOException {
    HttpServer server = HttpServer.create(address, 1024);
    EchoServer echo = new EchoServer(server, workload, region);
    server.createContext("/", echo::handle);
    server.setExecutor(executor);
    server.start();
    return echo;
  }

  /** The port it listens on (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** How many requests it has answered: tests check that nothing was forwarded. */
  public long requestsServed() {
    return served.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    served.incrementAndGet();
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("workload", workload);
      body.put("region", region);
      body.put("method", exchange.getRequestMethod());
      // The request target as it arrived on the wire: path and query, undecoded.
      body.put("path", exchange.getRequestURI().toString());
      Map<String, List<String>> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
      body.put("headers", headers);
      byte[] bytes = (JSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
