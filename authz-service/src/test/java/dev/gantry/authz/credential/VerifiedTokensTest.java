package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static VerifiedTokens.Verified principal(Instant expires) {
    return new VerifiedTokens.Verified(new Principal("demo", "alice", "jwt", "t", Set.of(), expires), null, "k", null);
  }

  /**
   * The regression this guards: the cache that emptied itself when full dropped the steady
   * tokens each time a flood filled it. (Between two uses of a steady token fewer distinct tokens
   * pass than the cache holds, so a plain LRU would pass too; how the frequency-aware eviction
   * does when more pass is measured by {@code gantry-bench token-flood}.)
   */
  @Test
  void aFloodOfDistinctTokens_leavesTheSteadyTrafficsHitsInPlace() {
    int capacity = 1_000;
    VerifiedTokens cache = new VerifiedTokens(capacity, Clock.fixed(NOW, ZoneOffset.UTC));
    VerifiedTokens.Verified p = principal(NOW.plus(Duration.ofHours(1)));
    int steady = 500;
    // The steady traffic: 500 tokens, each seen many times.
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < steady; i++) {
        if (cache.get("demo", "steady-" + i, NOW) == null) {
          cache.put("demo", "steady-" + i, p, NOW);
        }
      }
    }
    // A flood: 100 times the capacity in distinct tokens, each verified once, interleaved with the steady traffic.
    long steadyHits = 0;
    long steadyLookups = 0;
    for (int f = 0; f < 100 * capacity; f++) {
      String flood = "flood-" + f;
      if (cache.get("demo", flood, NOW) == null) {
        cache.put("demo", flood, p, NOW);
      }
      String token = "steady-" + (f % steady);
      steadyLookups++;
      if (cache.get("demo", token, NOW) != null) {
        steadyHits++;
      } else {
        cache.put("demo", token, p, NOW);
      }
    }
    assertThat(cache.size()).isLessThanOrEqualTo(capacity);
    assertThat((double) steadyHits / steadyLookups).as("the steady traffic's hit rate during the flood").isGreaterThan(0.95);
  }

  /**
   * The harder flood of {@code gantry-bench token-flood}, small: between two uses of a steady
   * token more distinct tokens pass than the cache holds (100 steady tokens × 21 > 1,000), which
   * recency alone cannot survive and frequency alone survived only in part. A token used again
   * after its verification is kept apart from those seen once, which a flood of distinct tokens
   * cannot reach.
   */
  @Test
  void aFloodLargerThanTheCacheBetweenTwoUses_leavesTokensUsedAgainInPlace() {
    int capacity = 1_000;
    VerifiedTokens cache = new VerifiedTokens(capacity, Clock.fixed(NOW, ZoneOffset.UTC));
    VerifiedTokens.Verified p = principal(NOW.plus(Duration.ofHours(1)));
    int steady = 100;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < steady; i++) {
        if (cache.get("demo", "steady-" + i, NOW) == null) {
          cache.put("demo", "steady-" + i, p, NOW);
        }
      }
    }
    long steadyHits = 0;
    int lookups = 50 * capacity / 20;
    for (int i = 0; i < lookups; i++) {
      for (int f = 0; f < 20; f++) {
        String flood = "flood-" + i + "-" + f;
        if (cache.get("demo", flood, NOW) == null) {
          cache.put("demo", flood, p, NOW);
        }
      }
      String token = "steady-" + (i % steady);
      if (cache.get("demo", token, NOW) != null) {
        steadyHits++;
      } else {
        cache.put("demo", token, p, NOW);
      }
    }
    assertThat(cache.size()).isLessThanOrEqualTo(capacity);
    assertThat((double) steadyHits / lookups).as("the steady traffic's hit rate during the flood").isEqualTo(1.0);
    VerifiedTokens.Stats stats = cache.stats();
    assertThat(stats.hits()).as("the warm-up's two rounds of hits, then every steady lookup").isEqualTo(2L * steady + lookups);
  }

  @Test
  void aTokenIsForgottenAtItsExpiry_andAnExpiredOneIsNotKept() {
    VerifiedTokens cache = new VerifiedTokens(10, Clock.fixed(NOW, ZoneOffset.UTC));
    cache.put("demo", "t", principal(NOW.plusSeconds(60)), NOW);
    assertThat(cache.get("demo", "t", NOW.plusSeconds(59))).isNotNull();
    assertThat(cache.get("demo", "t", NOW.plusSeconds(60))).isNull();
    assertThat(cache.get("other", "t", NOW)).as("per workspace").isNull();
    cache.put("demo", "old", principal(NOW.minusSeconds(1)), NOW);
    assertThat(cache.get("demo", "old", NOW.minusSeconds(5))).isNull();
  }
}
