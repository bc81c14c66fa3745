package dev.gantry.authz.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the key set cache counts, read through the OpenTelemetry SDK as an exporter would: keys
 * dropped at load by reason, and fetches by result.
 */
class JwksMetricsTest {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    scheduler.shutdownNow();
    meters.close();
  }

  private URI serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks.json", exchange -> {
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status.get(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
  }

  private JwksCache cache() {
    return new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1), meters.get("test"));
  }

  @Test
  void keysDroppedAtLoad_areCountedByReason_andTheGoodKeyStays() throws Exception {
    RSAKey good = new RSAKeyGenerator(2048).keyID("good").generate().toPublicJWK();
    body.set(new JWKSet(List.of(good,
        new RSAKey.Builder(good).keyID("enc").keyUse(KeyUse.ENCRYPTION).build(),
        new RSAKeyGenerator(1024, true).keyID("small").generate().toPublicJWK(),
        new RSAKey.Builder(good).keyID("ps").algorithm(com.nimbusds.jose.JWSAlgorithm.PS256).build())).toString());
    URI uri = serve();
    JwksCache cache = cache();
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);

    assertThat(cache.find(uri, "good")).isNotNull();
    assertThat(counts("gantry.authz.jwks.keys.dropped", "reason"))
        .isEqualTo(Map.of("not-for-signatures", 1L, "rsa-too-small", 1L, "alg-mismatch", 1L));
    assertThat(counts("gantry.authz.jwks.fetches", "result")).isEqualTo(Map.of("ok", 1L));
  }

  @Test
  void failedFetches_areCountedByResult() throws Exception {
    body.set("{\"keys\": [");
    URI uri = serve();
    JwksCache cache = cache();
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);

    status.set(503);
    cache.find(uri, "any");
    cache.refreshing().get(5, TimeUnit.SECONDS);
    status.set(200);
    body.set("x".repeat(300 * 1024));
    cache.find(uri, "any");
    cache.refreshing().get(5, TimeUnit.SECONDS);
    server.stop(0);
    server = null;
    cache.find(uri, "any");
    cache.refreshing().get(10, TimeUnit.SECONDS);

    assertThat(counts("gantry.authz.jwks.fetches", "result"))
        .isEqualTo(Map.of("not-a-key-set", 1L, "http-error", 1L, "too-large", 1L, "fetch-failed", 1L));
    assertThat(counts("gantry.authz.jwks.keys.dropped", "reason")).isEmpty();
  }

  @Test
  void theStalestKeySetsAge_growsWhileFetchesFail_andStartsAgainWithAGoodOne() throws Exception {
    body.set(new JWKSet(new RSAKeyGenerator(2048).keyID("k").generate().toPublicJWK()).toString());
    URI uri = serve();
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    JwksCache cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1), meters.get("test"),
        nanos::get);
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(90));
    status.set(503);
    cache.find(uri, "unknown");
    cache.refreshing().get(5, TimeUnit.SECONDS);
    assertThat(age()).as("a failed fetch is not a good one").isEqualTo(90.0);

    status.set(200);
    cache.find(uri, "unknown");
    cache.refreshing().get(5, TimeUnit.SECONDS);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
    assertThat(age()).isEqualTo(5.0);
  }

  private double age() {
    for (MetricData data : reader.collectAllMetrics()) {
      if (data.getName().equals("gantry.authz.jwks.key_set.age")) {
        return data.getDoubleGaugeData().getPoints().iterator().next().getValue();
      }
    }
    throw new AssertionError("no key set age");
  }

  /** The counter's points that moved, by the value of {@code attribute} (every known value starts at 0). */
  private Map<String, Long> counts(String metric, String attribute) {
    Map<String, Long> counts = new TreeMap<>();
    for (MetricData data : reader.collectAllMetrics()) {
      if (data.getName().equals(metric)) {
        for (LongPointData point : data.getLongSumData().getPoints()) {
          if (point.getValue() == 0) {
            continue;
          }
          counts.put(point.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(attribute)), point.getValue());
        }
      }
    }
    return counts;
  }
}
