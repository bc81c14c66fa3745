package dev.gantry.authz.credential;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.jwk.JWK;
import dev.gantry.authz.model.IssuerEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tokens already verified, so a token presented again costs a map lookup instead of a
 * signature check. Bounded by size and by each token's own expiry, in two parts:
 *
 * <ul>
 *   <li><b>fresh</b>: tokens verified once and not used since. Every verification lands here,
 *       so a flood of distinct valid tokens churns this part only.
 *   <li><b>proven</b>: tokens used again while fresh, moved here on that hit. Only a token
 *       presented at least twice gets in, so the flood cannot push out what the steady traffic
 *       uses; within it, Caffeine's frequency-aware eviction (W-TinyLFU) keeps the tokens used
 *       most.
 * </ul>
 *
 * A single frequency-aware cache kept only two thirds of the steady traffic's hits under the
 * flood of {@code gantry-bench token-flood}, where more distinct tokens pass between two uses of
 * a steady token than the cache holds; an earlier version emptied itself when full and kept
 * none. What a flood still costs: a token whose second use comes after more flood tokens than
 * the fresh part holds stays unproven (each use a signature check) until the flood ends; an
 * attacker presenting each of its tokens twice competes in the proven part, where frequency
 * decides.
 */
public final class VerifiedTokens {

  private final Cache<Key, Verified> fresh;
  private final Cache<Key, Verified> proven;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** A cache of at most {@code capacity} tokens, expiring each by the system clock. */
  public VerifiedTokens(int capacity) {
    this(capacity, Clock.systemUTC());
  }

  /**
   * A cache of at most {@code capacity} tokens (half of them fresh, half proven), expiring each
   * at its principal's expiry on {@code clock}; 0 caches nothing (a measurement of the full check).
   */
  public VerifiedTokens(int capacity, Clock clock) {
    if (capacity == 1 || capacity < 0) {
      throw new IllegalArgumentException("capacity " + capacity + " (expected: at least 2, one token in each part; or 0, to cache"
          + " nothing)");
    }
    this.fresh = part(capacity - capacity / 2, clock);
    this.proven = part(capacity / 2, clock);
  }

  private static Cache<Key, Verified> part(int capacity, Clock clock) {
    return Caffeine.newBuilder()
        .maximumSize(capacity)
        .expireAfter(new UntilExpiry(clock))
        // Maintenance on the calling thread: no pool to size, nothing left running.
        .executor(Runnable::run)
        .build();
  }

  /**
   * A token's verification: who it speaks for, and what it was verified against — the issuer
   * entry that trusted it and the key that verified its signature — so that a hit can confirm
   * both still stand — and its {@code aud}, which every use checks against where it is used.
   */
  record Verified(Principal principal, IssuerEntry issuer, String kid, JWK key, java.util.List<String> audiences) {

    /** A verification whose token names no audience. */
    Verified(Principal principal, IssuerEntry issuer, String kid, JWK key) {
      this(principal, issuer, kid, key, java.util.List.of());
    }
  }

  /** A token verified before for this workspace and still valid at {@code now}. */
  Verified get(String workspace, String token, Instant now) {
    Key key = new Key(workspace, token);
    Verified verified = proven.getIfPresent(key);
    if (verified == null) {
      verified = fresh.getIfPresent(key);
      if (verified != null) {
        // Used again: proven. Moved, so that the token is held once.
        proven.put(key, verified);
        fresh.invalidate(key);
      }
    }
    // The check stands on its own: the cache's own expiry runs on its clock, this on the caller's.
    if (verified == null || !now.isBefore(verified.principal().expiresAt())) {
      misses.increment();
      return null;
    }
    hits.increment();
    return verified;
  }

  void put(String workspace, String token, Verified verified, Instant now) {
    if (now.isBefore(verified.principal().expiresAt())) {
      Key key = new Key(workspace, token);
      // A token verified again while proven (its key changed, say) replaces its entry there.
      if (proven.getIfPresent(key) != null) {
        proven.put(key, verified);
      } else {
        fresh.put(key, verified);
      }
    }
  }

  /** Tokens held now (estimated): for tests and metrics. */
  public long size() {
    fresh.cleanUp();
    proven.cleanUp();
    return fresh.estimatedSize() + proven.estimatedSize();
  }

  /** Lookups answered from the cache and not, since it was made, and tokens held now (estimated). */
  public record Stats(long hits, long misses, long size) {}

  /** Lookups answered from the cache since it was made: cheap, unlike {@link #stats()}. */
  public long hitCount() {
    return hits.sum();
  }

  /** What the cache has done: for the bench and metrics. */
  public Stats stats() {
    return new Stats(hits.sum(), misses.sum(), size());
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
