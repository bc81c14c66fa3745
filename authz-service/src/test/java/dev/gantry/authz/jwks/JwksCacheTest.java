package dev.gantry.authz.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
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
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ofSeconds(30), Duration.ofHours(1));
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

  private void awaitKey(String kid) throws InterruptedException {
    for (int i = 0; i < 100 && cache.find(uri, kid) == null; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
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
  void floodOfUnknownKids_fetchesAtMostOncePerInterval() throws Exception {
    long before = cache.fetches();
    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.find(uri, UUID.randomUUID().toString())).isNull();
    }
    TimeUnit.MILLISECONDS.sleep(200);
    // The initial fetch happened in start(); the flood may start one more, never more, within
    // the 30 s minimum interval.
    assertThat(cache.fetches() - before).isLessThanOrEqualTo(1);
    assertThat(requests.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void rotatedKey_isPickedUpByTheRefreshAnUnknownKidStarts() throws Exception {
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
    body.set(new JWKSet(java.util.List.of(key.toPublicJWK(), rotated.toPublicJWK())).toString());
    // A fresh cache: its last fetch is the only one, so an unknown kid may refresh at once.
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofHours(1));
    cache.track(Set.of(uri));
    awaitKey("k1");
    awaitKey("k2");
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
  private JwksCache eagerlyRefreshing() throws InterruptedException {
    cache = new JwksCache(HttpClient.newHttpClient(), scheduler, Duration.ZERO, Duration.ofMillis(50));
    cache.track(Set.of(uri));
    awaitKey("k1");
    assertThat(cache.find(uri, "k1")).isNotNull();
    return cache;
  }

  @Test
  void endpointDown_keepsTheLastGoodKeys() throws Exception {
    JwksCache refreshing = eagerlyRefreshing();
    long before = refreshing.fetches();
    server.stop(0);

    TimeUnit.MILLISECONDS.sleep(400);

    assertThat(refreshing.fetches()).as("it kept trying").isGreaterThan(before);
    assertThat(refreshing.find(uri, "k1")).isNotNull();
    assertThat(refreshing.find(uri, "never-seen")).isNull();
  }

  @Test
  void garbageKeySet_keepsTheLastGoodKeys() throws Exception {
    JwksCache refreshing = eagerlyRefreshing();
    int before = requests.get();
    body.set("{\"keys\": \"not a list\"}");

    TimeUnit.MILLISECONDS.sleep(400);

    assertThat(requests.get()).as("it fetched the garbage").isGreaterThan(before);
    assertThat(refreshing.find(uri, "k1")).isNotNull();
  }
}
