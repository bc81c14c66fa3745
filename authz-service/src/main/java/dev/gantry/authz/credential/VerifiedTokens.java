package dev.gantry.authz.credential;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.nimbusds.jose.jwk.JWK;
import dev.gantry.authz.model.IssuerEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Tokens already verified, so a token presented again costs a map lookup instead of a
 * signature check. Bounded by size and by each token's own expiry. Eviction is Caffeine's
 * frequency-aware W-TinyLFU: a flood of distinct tokens (valid ones, or one token spelled many
 * ways before spellings were made canonical) mostly fails to push out what is used more often.
 * Tokens used again before the cache turns over keep their hits; rarer ones keep most of them
 * (two thirds in {@code gantry-bench token-flood}), a miss costing a signature check. An earlier
 * version emptied itself when full, which let such a flood turn every request back into a
 * signature check.
 */
public final class VerifiedTokens {

  private final Cache<Key, Verified> tokens;

  /** A cache of at most {@code capacity} tokens, expiring each by the system clock. */
  public VerifiedTokens(int capacity) {
    this(capacity, Clock.systemUTC());
  }

  /** A cache of at most {@code capacity} tokens, expiring each at its principal's expiry on {@code clock}. */
  public VerifiedTokens(int capacity, Clock clock) {
    this.tokens = Caffeine.newBuilder()
        .maximumSize(capacity)
        .expireAfter(new UntilExpiry(clock))
        // Maintenance on the calling thread: no pool to size, nothing left running.
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /**
   * A token's verification: who it speaks for, and what it was verified against — the issuer
   * entry that trusted it and the key that verified its signature — so that a hit can confirm
   * both still stand.
   */
  record Verified(Principal principal, IssuerEntry issuer, String kid, JWK key) {}

  /** A token verified before for this workspace and still valid at {@code now}. */
  Verified get(String workspace, String token, Instant now) {
    Verified verified = tokens.getIfPresent(new Key(workspace, token));
    // The check stands on its own: the cache's own expiry runs on its clock, this on the caller's.
    if (verified == null || !now.isBefore(verified.principal().expiresAt())) {
      return null;
    }
    return verified;
  }

  void put(String workspace, String token, Verified verified, Instant now) {
    if (now.isBefore(verified.principal().expiresAt())) {
      tokens.put(new Key(workspace, token), verified);
    }
  }

  /** Tokens held now (estimated): for tests and metrics. */
  public long size() {
    tokens.cleanUp();
    return tokens.estimatedSize();
  }

  /** Lookups answered from the cache and not, since it was made, and tokens held now (estimated). */
  public record Stats(long hits, long misses, long size) {}

  /** What the cache has done: for the bench and metrics. */
  public Stats stats() {
    CacheStats stats = tokens.stats();
    return new Stats(stats.hitCount(), stats.missCount(), size());
  }

  /** A token verified for one workspace; a record, so a hit never copies the token into a new string. */
  private record Key(String workspace, String token) {}

  /** Each entry lives until its principal's expiry, as the clock reads at insertion. */
  private record UntilExpiry(Clock clock) implements Expiry<Key, Verified> {

    @Override
    public long expireAfterCreate(Key key, Verified verified, long currentTime) {
      return nanosUntil(verified.principal().expiresAt());
    }

    @Override
    public long expireAfterUpdate(Key key, Verified verified, long currentTime, long currentDuration) {
      return nanosUntil(verified.principal().expiresAt());
    }

    @Override
    public long expireAfterRead(Key key, Verified verified, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private long nanosUntil(Instant expiresAt) {
      Duration left = Duration.between(clock.instant(), expiresAt);
      if (left.isNegative()) {
        return 0;
      }
      return left.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : left.toNanos();
    }
  }
}
