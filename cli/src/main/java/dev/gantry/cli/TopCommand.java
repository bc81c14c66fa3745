package dev.gantry.cli;

import dev.gantry.pki.HttpsTls;
import dev.gantry.pki.Identity;
import dev.gantry.telemetry.PrometheusText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gantry top}: a live view of the fleet, refreshed every second, read from the metrics
 * endpoints (the control plane's and each sidecar's, over mutual TLS as an operator; each
 * Envoy's admin statistics). The defaults are the local stack's ports.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = "A live view of requests/s, refusals, decision time and sync state per region, from the metrics endpoints.")
final class TopCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--control-plane-metrics", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:19100",
      description = "the control plane's metrics endpoint (default: ${DEFAULT-VALUE})")
  String controlPlane;

  @Option(names = "--sidecar", paramLabel = "REGION=HOST:PORT",
      description = "a region's sidecar metrics endpoint (repeatable; default: the local stack's three)")
  Map<String, String> sidecars = new LinkedHashMap<>();

  @Option(names = "--envoy-admin", paramLabel = "REGION=HOST:PORT",
      description = "a region's Envoy admin endpoint (repeatable; default: the local stack's three)")
  Map<String, String> envoys = new LinkedHashMap<>();

  @Option(names = "--interval-ms", defaultValue = "1000", description = "time between refreshes (default: ${DEFAULT-VALUE})")
  long intervalMs;

  @Option(names = "--count", defaultValue = "0", description = "stop after this many refreshes (default: never)")
  int count;

  private static final Map<String, String> LOCAL_SIDECARS =
      Map.of("eu-lon-1", "127.0.0.1:19101", "eu-par-1", "127.0.0.1:19102", "us-pdx-1", "127.0.0.1:19103");
  private static final Map<String, String> LOCAL_ENVOYS =
      Map.of("eu-lon-1", "127.0.0.1:9901", "eu-par-1", "127.0.0.1:9902", "us-pdx-1", "127.0.0.1:9903");

  @Override
  public Integer call() throws Exception {
    if (intervalMs < 100 || count < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--interval-ms " + intervalMs + ", --count " + count + " (expected: an interval of at least 100 ms, a count of 0 or more)");
    }
    if (sidecars.isEmpty()) {
      new java.util.TreeMap<>(LOCAL_SIDECARS).forEach(sidecars::put);
    }
    if (envoys.isEmpty() && sidecars.keySet().equals(LOCAL_SIDECARS.keySet())) {
      new java.util.TreeMap<>(LOCAL_ENVOYS).forEach(envoys::put);
    }
    HttpClient metrics = HttpClient.newBuilder().sslContext(operatorContext()).connectTimeout(Duration.ofSeconds(1)).build();
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Scrape> sidecarBefore = scrapeSidecars(metrics);
    // Envoy updates its histograms only when it flushes its statistics (every 5 s), so the round
    // trip is read against the newest Envoy scrape at least ENVOY_WINDOW old, not the last one.
    ArrayDeque<Timed> envoyScrapes = new ArrayDeque<>();
    envoyScrapes.add(new Timed(System.nanoTime(), scrapeEnvoys(plain)));
    long before = System.nanoTime();
    for (int refresh = 0; count == 0 || refresh < count; refresh++) {
      Thread.sleep(intervalMs);
      Map<String, Scrape> sidecarAfter = scrapeSidecars(metrics);
      Map<String, Scrape> envoyAfter = scrapeEnvoys(plain);
      Scrape controlPlaneNow = scrape(metrics, "https://" + controlPlane + "/metrics");
      long now = System.nanoTime();
      envoyScrapes.add(new Timed(now, envoyAfter));
      while (envoyScrapes.size() > 1 && now - envoyScrapes.stream().skip(1).findFirst().orElseThrow().nanos()
          >= ENVOY_WINDOW.toNanos()) {
        envoyScrapes.removeFirst();
      }
      Map<String, Scrape> envoyBefore = envoyScrapes.getFirst().scrapes();
      List<TopView.Region> rows = new ArrayList<>();
      for (String region : sidecars.keySet()) {
        Scrape s0 = sidecarBefore.get(region);
        Scrape s1 = sidecarAfter.get(region);
        Scrape e0 = envoyBefore.getOrDefault(region, Scrape.NONE);
        Scrape e1 = envoyAfter.getOrDefault(region, Scrape.NONE);
        rows.add(new TopView.Region(region, s0.text(), s1.text(), e0.text(), e1.text(),
            s1.problem() != null ? s1.problem() : s0.problem()));
      }
      // Clear the screen and draw from the top left, as top does.
      out.print("\033[H\033[2J");
      out.print(TopView.render(Instant.now(), (now - before) / 1e9, rows, controlPlaneNow.text(), controlPlaneNow.problem()));
      out.flush();
      sidecarBefore = sidecarAfter;
      before = now;
    }
    return 0;
  }

  private static final Duration ENVOY_WINDOW = Duration.ofSeconds(6);

  private Map<String, Scrape> scrapeSidecars(HttpClient metrics) {
    Map<String, Scrape> scrapes = new LinkedHashMap<>();
    sidecars.forEach((region, address) -> scrapes.put(region, scrape(metrics, "https://" + address + "/metrics")));
    return scrapes;
  }

  private Map<String, Scrape> scrapeEnvoys(HttpClient plain) {
    Map<String, Scrape> scrapes = new LinkedHashMap<>();
    envoys.forEach((region, address) -> scrapes.put(region, scrape(plain, "http://" + address + "/stats/prometheus")));
    return scrapes;
  }

  /** Envoy scrapes taken at one moment. */
  private record Timed(long nanos, Map<String, Scrape> scrapes) {}

  /** A scrape's text, or why there is none. */
  private record Scrape(PrometheusText text, String problem) {
    static final Scrape NONE = new Scrape(null, "not scraped");
  }

  private static Scrape scrape(HttpClient client, String url) {
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return new Scrape(null, url + " answered " + response.statusCode());
      }
      return new Scrape(PrometheusText.parse(response.body()), null);
    } catch (IOException | IllegalArgumentException e) {
      return new Scrape(null, url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Scrape(null, "interrupted");
    }
  }

  /** The operator's credential (or --credential's), accepting only Gantry's services as servers. */
  private SSLContext operatorContext() throws IOException {
    GantryCli root = spec.root().commandLine().getCommand();
    return HttpsTls.client(root.credentialFiles(), peer -> peer.role() == Identity.Role.CONTROL_PLANE || peer.role() == Identity.Role.AUTHZ);
  }
}
