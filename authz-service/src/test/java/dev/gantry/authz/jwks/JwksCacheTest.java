package dev.gantry.authz.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.metrics.MeterProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key set cache against a real (local) HTTP JWKS endpoint, written by hand. */
class JwksCacheTest {

  private HttpServer server;
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private JwksCache cache;
  // The time the cache measures its minimum refresh interval on: stepped by the tests.
  private final AtomicLong nanos = new AtomicLong();
  private URI uri;
  private RSAKey key;

  @BeforeEach
  void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    body.set(new JWKSet(key.toPublicJWK()).toString());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks.json", exchange -> {
      requests.incrementAndGet();
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ofSeconds(30), Duration.ofHours(1),
        MeterProvider.noop().get("test"), nanos::get);
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void track_completesWhenTheNewSetsFirstFetchEnded() {
    assertThat(cache.find(uri, "k1")).as("keys are in once track's answer completed").isNotNull();
    assertThat(cache.track(Set.of(uri))).as("nothing new to wait for").isCompleted();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    scheduler.shutdownNow();
  }

  @Test
  void keysThatMayNotVerify_areDroppedWhenTheSetLoads_theGoodOnesStay() throws Exception {
    RSAKey encryption = new RSAKey.Builder(new RSAKeyGenerator(2048).generate().toPublicJWK())
        .keyID("enc-1").keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build();
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak-1").generate().toPublicJWK();
    RSAKey good = new RSAKeyGenerator(2048).keyID("k2").generate().toPublicJWK();
    body.set(new JWKSet(List.of(key.toPublicJWK(), encryption, weak, good)).toString());
    cache.track(Set.of());
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);

    assertThat(cache.find(uri, "k2")).isNotNull();
    assertThat(cache.find(uri, "k1")).isNotNull();
    assertThat(cache.find(uri, "enc-1")).isNull();
    assertThat(cache.find(uri, "weak-1")).isNull();
  }

  @Test
  void find_knownKey_isServedFromMemory() {
    int before = requests.get();
    for (int i = 0; i < 1000; i++) {
      assertThat(cache.find(uri, "k1")).isNotNull();
    }
    assertThat(requests.get()).isEqualTo(before);
  }

  @Test
  void floodOfUnknownKids_fetchesExactlyOncePerInterval() throws Exception {
    // start() fetched the set at time 0: within the 30 s interval a flood fetches nothing.
    long before = cache.fetches();
    int requestsBefore = requests.get();
    flood();
    assertThat(cache.fetches()).as("within the interval of the first fetch").isEqualTo(before);

    nanos.addAndGet(Duration.ofSeconds(30).toNanos());
    flood();
    cache.refreshing().get(5, TimeUnit.SECONDS);
    assertThat(cache.fetches()).as("the interval over: one refresh, not one per unknown kid").isEqualTo(before + 1);
    assertThat(requests.get()).isEqualTo(requestsBefore + 1);

    nanos.addAndGet(Duration.ofSeconds(29).toNanos());
    flood();
    assertThat(cache.fetches()).as("29 s after that refresh").isEqualTo(before + 1);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    flood();
    cache.refreshing().get(5, TimeUnit.SECONDS);
    assertThat(cache.fetches()).as("30 s after it").isEqualTo(before + 2);
    assertThat(requests.get()).isEqualTo(requestsBefore + 2);
  }

  private void flood() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.find(uri, UUID.randomUUID().toString())).isNull();
    }
  }

  @Test
  void aFreshCache_findsEveryKeyOfItsFirstFetch() throws Exception {
    RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
    body.set(new JWKSet(java.util.List.of(key.toPublicJWK(), second.toPublicJWK())).toString());
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1));
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
    assertThat(cache.find(uri, "k1")).isNotNull();
    assertThat(cache.find(uri, "k2")).isNotNull();
  }

  @Test
  void anUnknownKid_startsOneRefresh_whoseEndACheckCanAwait_andItBringsTheRotatedKey() throws Exception {
    // A fresh cache that has fetched once, when the set held k1 only.
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1));
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
    assertThat(cache.find(uri, "k1")).isNotNull();
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
    body.set(new JWKSet(List.of(key.toPublicJWK(), rotated.toPublicJWK())).toString());
    long before = cache.fetches();

    assertThat(cache.find(uri, "k2")).as("not known before the refresh").isNull();
    assertThat(cache.fetches()).as("the unknown kid started a refresh").isEqualTo(before + 1);
    cache.refreshing().get(5, TimeUnit.SECONDS);

    assertThat(cache.find(uri, "k2")).as("the refresh brought it").isNotNull();
    assertThat(cache.refreshing()).isDone();
  }

  /** A cache that refreshes every 50 ms, holding k1. */
  private JwksCache eagerlyRefreshing() throws Exception {
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofMillis(50));
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
    assertThat(cache.find(uri, "k1")).isNotNull();
    return cache;
  }

  /** Waits (at most 5 s) until the cache has started {@code count} more fetches than {@code before}. */
  private static void awaitFetches(JwksCache cache, long before, int count) throws InterruptedException {
    for (int i = 0; i < 500 && cache.fetches() < before + count; i++) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  @Test
  void everyKeySet_isFetchedAgainPeriodically_andARotationIsPickedUp() throws Exception {
    JwksCache refreshing = eagerlyRefreshing();
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
    body.set(new JWKSet(List.of(rotated.toPublicJWK())).toString());
    long before = refreshing.fetches();
    awaitFetches(refreshing, before, 2); // the first may have begun before the body changed

    assertThat(refreshing.fetches()).as("refreshed on its own").isGreaterThanOrEqualTo(before + 2);
    refreshing.refreshing().get(5, TimeUnit.SECONDS);
    assertThat(refreshing.find(uri, "k2")).isNotNull();
    assertThat(refreshing.find(uri, "k1")).as("rotated out").isNull();
  }

  /** A cache that refreshes on every unknown kid (no minimum interval), holding k1. */
  private JwksCache refreshingOnEveryUnknownKid() throws Exception {
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1));
    cache.track(Set.of(uri)).get(5, TimeUnit.SECONDS);
    assertThat(cache.find(uri, "k1")).isNotNull();
    return cache;
  }

  @Test
  void endpointDown_keepsTheLastGoodKeys() throws Exception {
    JwksCache refreshing = refreshingOnEveryUnknownKid();
    long before = refreshing.fetches();
    server.stop(0);

    assertThat(refreshing.find(uri, "never-seen")).isNull();
    refreshing.refreshing().get(10, TimeUnit.SECONDS);

    assertThat(refreshing.fetches()).as("it tried").isEqualTo(before + 1);
    assertThat(refreshing.find(uri, "k1")).isNotNull();
  }

  @Test
  void garbageKeySet_keepsTheLastGoodKeys() throws Exception {
    JwksCache refreshing = refreshingOnEveryUnknownKid();
    int before = requests.get();
    body.set("{\"keys\": \"not a list\"}");

    assertThat(refreshing.find(uri, "never-seen")).isNull();
    refreshing.refreshing().get(5, TimeUnit.SECONDS);

    assertThat(requests.get()).as("it fetched the garbage").isEqualTo(before + 1);
    assertThat(refreshing.find(uri, "k1")).isNotNull();
  }
}
