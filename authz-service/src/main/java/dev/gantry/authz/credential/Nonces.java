package dev.gantry.authz.credential;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The nonces of signed requests seen within the replay window, each remembered until its
 * signature could no longer be accepted anyway, then forgotten by Caffeine's per-entry expiry
 * (a timer wheel: constant work per entry, no sweep).
 *
 * <p>Unlike a cache of results, this set must never forget a nonce early: evicting a live one
 * to make room would let its signature be replayed. So it has no size-based eviction; at {@code
 * capacity} live nonces it refuses new ones ({@link Seen#FULL}, failing closed) until old ones
 * expire. An earlier version swept the whole map on every request once full, which let a flood
 * of signed requests with fresh nonces cost a million-entry scan each.
 */
final class Nonces {

  /** What {@link #remember} found. */
  enum Seen { NEW, REPLAYED, FULL }

  private final Cache<String, Instant> live;
  private final long capacity;

  Nonces(long capacity, Clock clock) {
    this.capacity = capacity;
    Ticker ticker = () -> {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
    this.live = Caffeine.newBuilder()
        .ticker(ticker)
        .expireAfter(Expiry.<String, Instant>creating((nonce, forgetAt) -> untilFrom(clock.instant(), forgetAt)))
        // Maintenance on the calling thread: no pool to size, nothing left running.
        .executor(Runnable::run)
        .build();
  }

  /** Remembers {@code nonce} until {@code forgetAt}, unless it is remembered already or no room is left. */
  Seen remember(String nonce, Instant forgetAt) {
    if (live.estimatedSize() >= capacity) {
      live.cleanUp(); // expired nonces leave now, not at the next maintenance
      if (live.estimatedSize() >= capacity) {
        return live.getIfPresent(nonce) != null ? Seen.REPLAYED : Seen.FULL;
      }
    }
    return live.asMap().putIfAbsent(nonce, forgetAt) == null ? Seen.NEW : Seen.REPLAYED;
  }

  /** Nonces remembered now (estimated): for tests and metrics. */
  long size() {
    live.cleanUp();
    return live.estimatedSize();
  }

  private static Duration untilFrom(Instant now, Instant forgetAt) {
    return now.isBefore(forgetAt) ? Duration.between(now, forgetAt) : Duration.ZERO;
  }
}
