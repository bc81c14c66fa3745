package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verified-token cache with tokens valid for centuries, and with a token verified again. */
class VerifiedTokensEdgesTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static VerifiedTokens.Verified verified(Instant expires) {
    return new VerifiedTokens.Verified(new Principal("demo", "alice", "jwt", "t", Set.of(), expires), null, "k", null);
  }

  @Test
  void aTokenValidForCenturies_isKept_itsLifetimeInTheCacheCappedRatherThanOverflowing() {
    VerifiedTokens cache = new VerifiedTokens(10, Clock.fixed(NOW, ZoneOffset.UTC));
    VerifiedTokens.Verified forever = verified(NOW.plus(Duration.ofDays(365L * 1000)));

    cache.put("demo", "t", forever, NOW);

    assertThat(cache.get("demo", "t", NOW)).isSameAs(forever);
  }

  @Test
  void capacityZero_cachesNothing_andOneIsRefused() {
    VerifiedTokens none = new VerifiedTokens(0, Clock.fixed(NOW, ZoneOffset.UTC));
    for (int i = 0; i < 5; i++) {
      none.put("demo", "t", verified(NOW.plusSeconds(600)), NOW);
      assertThat(none.get("demo", "t", NOW)).as("every lookup a full check").isNull();
    }
    assertThat(none.stats().hits()).isZero();
    assertThat(none.stats().misses()).isEqualTo(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VerifiedTokens(1))
        .hasMessageContaining("expected: at least 2");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VerifiedTokens(-2))
        .hasMessageContaining("expected: at least 2");
  }

  @Test
  void tokensUsedAgain_fillNoMoreThanTheCapacity_andHitsAreCounted() {
    VerifiedTokens cache = new VerifiedTokens(4, Clock.fixed(NOW, ZoneOffset.UTC));
    for (int i = 0; i < 12; i++) {
      cache.put("demo", "t-" + i, verified(NOW.plusSeconds(600)), NOW);
      assertThat(cache.get("demo", "t-" + i, NOW)).as("answered, and so proven").isNotNull();
    }
    // Half of the capacity holds proven tokens, half fresh ones: 4 in all, however many are proven.
    assertThat(cache.size()).isLessThanOrEqualTo(4);
    assertThat(cache.hitCount()).isEqualTo(12).isEqualTo(cache.stats().hits());
  }

  @Test
  void aTokenUsedAgain_isProven_andAVerificationWhileProvenReplacesItThere() {
    VerifiedTokens cache = new VerifiedTokens(4, Clock.fixed(NOW, ZoneOffset.UTC));
    cache.put("demo", "t", verified(NOW.plusSeconds(600)), NOW);
    assertThat(cache.get("demo", "t", NOW)).isNotNull();   // the second use: moved to the proven part
    VerifiedTokens.Verified again = verified(NOW.plusSeconds(900));
    cache.put("demo", "t", again, NOW);
    // Two distinct tokens fill the fresh part (2) twice over; the proven token stays.
    for (int i = 0; i < 4; i++) {
      cache.put("demo", "flood-" + i, verified(NOW.plusSeconds(600)), NOW);
    }
    assertThat(cache.get("demo", "t", NOW)).isSameAs(again);
    assertThat(cache.size()).isLessThanOrEqualTo(4);
  }

  @Test
  void aTokenVerifiedAgain_isKeptUntilItsExpiry_andCountedOnce() {
    VerifiedTokens cache = new VerifiedTokens(10, Clock.fixed(NOW, ZoneOffset.UTC));
    cache.put("demo", "t", verified(NOW.plusSeconds(600)), NOW);
    VerifiedTokens.Verified again = verified(NOW.plusSeconds(600));

    cache.put("demo", "t", again, NOW);

    assertThat(cache.get("demo", "t", NOW)).isSameAs(again);
    assertThat(cache.size()).isEqualTo(1);
  }
}
