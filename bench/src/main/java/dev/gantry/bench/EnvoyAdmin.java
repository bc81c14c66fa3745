package dev.gantry.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** An Envoy's statistics, read from its admin endpoint on loopback. */
final class EnvoyAdmin {

  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  EnvoyAdmin(int port) {
    this.port = port;
  }

  /** The counters and gauges (used ones) whose names match {@code regex}, by name. */
  Map<String, Long> stats(String regex) throws Exception {
    String body = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats?usedonly&filter="
                + URLEncoder.encode(regex, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Long> stats = new TreeMap<>();
    for (String line : body.split("\n")) {
      int colon = line.lastIndexOf(": ");
      if (colon > 0 && line.substring(colon + 2).matches("\\d+")) {
        stats.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2)));
      }
    }
    return stats;
  }

  /** One statistic by its exact name, e.g. {@code cluster_manager.cds.update_success}; 0 while unused. */
  long stat(String name) throws Exception {
    return stats("^" + name.replace(".", "\\.") + "$").getOrDefault(name, 0L);
  }
}
