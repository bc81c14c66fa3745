package dev.gantry.authz.jwks;

import com.google.errorprone.annotations.ThreadSafe;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.gantry.authz.credential.KeyLookup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuers' key sets, fetched over HTTP off the Check path and kept in memory.
 *
 * <ul>
 *   <li>Fetched when an issuer appears in the snapshot, then refreshed every {@code refreshEvery}
 *       (ahead of keys rotating out).
 *   <li>An unknown {@code kid} starts a refresh — at most one per {@code minRefreshInterval} per
 *       key set, so a flood of random key ids cannot turn into a flood of fetches.
 *   <li>A failed fetch keeps the last good keys: an issuer outage does not lock users out.
 *   <li>Keys that may not verify tokens (for encryption, too weak, declaring another algorithm)
 *       are dropped when the set loads, with a log line and a count by reason ({@link
 *       VerificationKeys}).
 * </ul>
 *
 * <p>Metrics: {@code gantry.authz.jwks.fetches} by {@code result} (ok, fetch-failed, http-error,
 * too-large, not-a-key-set) and {@code gantry.authz.jwks.keys.dropped} by {@code reason} ({@link
 * VerificationKeys#REASONS}). Neither names the issuer: its key-set URL comes from tenants'
 * configuration, unbounded; the log line names it.
 */
@ThreadSafe
public final class JwksCache implements KeyLookup {

  private static final Logger log = LoggerFactory.getLogger(JwksCache.class);
  private static final int MAX_BODY_CHARS = 256 * 1024;
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Duration minRefreshInterval;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<URI, KeySet> sets = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();
  private final LongCounter fetchResults;
  private final LongCounter keysDropped;

  /**
   * @param http fetches key sets; owned by the caller
   * @param scheduler runs periodic refreshes; owned by the caller
   * @param minRefreshInterval the least time between two fetches of one key set on unknown kids
   * @param refreshEvery how often every key set is fetched again
   */
  public JwksCache(HttpClient http, ScheduledExecutorService scheduler, Duration minRefreshInterval, Duration refreshEvery) {
    this(http, scheduler, minRefreshInterval, refreshEvery, MeterProvider.noop().get("noop"), System::nanoTime);
  }

  /** As above, counting its fetches and dropped keys on {@code meter}. */
  public JwksCache(HttpClient http, ScheduledExecutorService scheduler, Duration minRefreshInterval, Duration refreshEvery,
      Meter meter) {
    this(http, scheduler, minRefreshInterval, refreshEvery, meter, System::nanoTime);
  }

  /**
   * As above, with the time the minimum refresh interval is measured on ({@link System#nanoTime}
   * in production; a test's own, to step it).
   */
  JwksCache(HttpClient http, ScheduledExecutorService scheduler, Duration minRefreshInterval, Duration refreshEvery,
      Meter meter, LongSupplier nanoTime) {
    this.http = http;
    this.scheduler = scheduler;
    this.minRefreshInterval = minRefreshInterval;
    this.nanoTime = nanoTime;
    this.fetchResults = meter.counterBuilder("gantry.authz.jwks.fetches")
        .setDescription("Fetches of issuers' key sets, by result").setUnit("{fetch}").build();
    this.keysDropped = meter.counterBuilder("gantry.authz.jwks.keys.dropped")
        .setDescription("Keys of fetched key sets that may not verify tokens and were dropped, by reason").setUnit("{key}").build();
    // Every series an alert watches exists from the start, so that its first increase counts.
    for (String result : List.of("ok", "fetch-failed", "http-error", "too-large", "not-a-key-set")) {
      fetchResults.add(0, Attributes.of(RESULT, result));
    }
    for (String reason : VerificationKeys.REASONS) {
      keysDropped.add(0, Attributes.of(REASON, reason));
    }
    // The stalest set's age: one figure, no issuer label (issuers are tenants' configuration).
    meter.gaugeBuilder("gantry.authz.jwks.key_set.age")
        .setDescription("Seconds since the stalest issuer key set was last fetched well (since it was first wanted, if never)")
        .setUnit("s")
        .buildWithCallback(m -> {
          long now = nanoTime.getAsLong();
          sets.values().stream().mapToLong(set -> now - set.lastGood).max()
              .ifPresent(oldest -> m.record(oldest / 1e9));
        });
    scheduler.scheduleWithFixedDelay(
        () -> sets.values().forEach(set -> fetch(set, true)), refreshEvery.toMillis(), refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts fetching key sets that are new and forgets those no issuer names any more. The
   * answer completes when every new set's first fetch has ended, well or not, so a caller can
   * hold a snapshot back (bounded) until its new issuers' keys are in.
   */
  public CompletableFuture<Void> track(Set<URI> uris) {
    sets.keySet().retainAll(uris);
    List<CompletableFuture<Void>> firstFetches = new ArrayList<>();
    for (URI uri : uris) {
      sets.computeIfAbsent(uri, u -> {
        KeySet set = new KeySet(u, nanoTime.getAsLong() - TimeUnit.DAYS.toNanos(1), nanoTime.getAsLong());
        firstFetches.add(set.firstFetch);
        scheduler.execute(() -> fetch(set, true));
        return set;
      });
    }
    return CompletableFuture.allOf(firstFetches.toArray(CompletableFuture[]::new));
  }

  @Override
  public JWK find(URI jwksUri, String kid) {
    KeySet set = sets.get(jwksUri);
    if (set == null) {
      return null;
    }
    JWK key = set.keys.getKeyByKeyId(kid);
    if (key == null) {
      fetch(set, false);
    }
    return key;
  }

  @Override
  public CompletableFuture<Void> refreshing() {
    CompletableFuture<?>[] running = sets.values().stream()
        .map(set -> set.fetching).filter(f -> !f.isDone()).toArray(CompletableFuture[]::new);
    return running.length == 0 ? CompletableFuture.completedFuture(null) : CompletableFuture.allOf(running);
  }

  /** How many fetches have been started, for tests and metrics. */
  public long fetches() {
    return fetches.get();
  }

  private void fetch(KeySet set, boolean scheduled) {
    long now = nanoTime.getAsLong();
    if (!scheduled && now - set.lastAttempt.get() < minRefreshInterval.toNanos()) {
      return;
    }
    if (!set.inFlight.compareAndSet(false, true)) {
      return;
    }
    set.lastAttempt.set(now);
    fetches.incrementAndGet();
    CompletableFuture<Void> fetching = new CompletableFuture<>();
    set.fetching = fetching;
    HttpRequest request = HttpRequest.newBuilder(set.uri).timeout(Duration.ofSeconds(5)).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete((response, error) -> {
          String result = "not-a-key-set";
          try {
            if (error != null) {
              result = "fetch-failed";
              log.warn("JWKS {}: fetch failed ({}); keeping {} known keys", set.uri, error.toString(), set.keys.size());
            } else if (response.statusCode() != 200) {
              result = "http-error";
              log.warn("JWKS {}: HTTP {}; keeping {} known keys", set.uri, response.statusCode(), set.keys.size());
            } else if (response.body().length() > MAX_BODY_CHARS) {
              result = "too-large";
              log.warn("JWKS {}: {} characters (expected: at most {}); keeping known keys", set.uri, response.body().length(), MAX_BODY_CHARS);
            } else {
              VerificationKeys.Sorted sorted = VerificationKeys.sort(JWKSet.parse(response.body()).toPublicJWKSet().getKeys());
              for (VerificationKeys.Dropped dropped : sorted.dropped()) {
                log.warn("JWKS {}: {} is not used", set.uri, dropped);
                keysDropped.add(1, Attributes.of(REASON, dropped.refusal().reason()));
              }
              set.keys = new JWKSet(sorted.kept());
              set.lastGood = nanoTime.getAsLong();
              result = "ok";
              log.info("JWKS {}: {} keys ({} not used)", set.uri, sorted.kept().size(), sorted.dropped().size());
            }
          } catch (java.text.ParseException | RuntimeException e) {
            log.warn("JWKS {}: not a key set ({}); keeping {} known keys", set.uri, e.getMessage(), set.keys.size());
          } finally {
            fetchResults.add(1, Attributes.of(RESULT, result));
            set.inFlight.set(false);
            set.firstFetch.complete(null);
            fetching.complete(null);
          }
        });
  }

  /** One issuer's key set. */
  private static final class KeySet {
    final URI uri;
    // Replaced whole by the fetch's callback, read by every Check.
    volatile JWKSet keys = new JWKSet();
    final AtomicLong lastAttempt;
    final AtomicBoolean inFlight = new AtomicBoolean();
    final CompletableFuture<Void> firstFetch = new CompletableFuture<>();
    // The fetch running now, or the last one (done).
    volatile CompletableFuture<Void> fetching = CompletableFuture.completedFuture(null);
    // When it was last fetched well (at first: when it was first wanted).
    volatile long lastGood;

    KeySet(URI uri, long neverAttempted, long wanted) {
      this.uri = uri;
      this.lastAttempt = new AtomicLong(neverAttempted);
      this.lastGood = wanted;
    }
  }
}
