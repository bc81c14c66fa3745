package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NoncesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void aNonce_isRefusedWhileRemembered_andForgottenOnlyAfterItsTime() {
    MovableClock clock = new MovableClock(NOW);
    Nonces nonces = new Nonces(10, clock);
    Instant forgetAt = NOW.plusSeconds(90);

    assertThat(nonces.remember("k n-1", forgetAt)).isEqualTo(Nonces.Seen.NEW);
    assertThat(nonces.remember("k n-1", forgetAt)).isEqualTo(Nonces.Seen.REPLAYED);
    clock.now = forgetAt.minusMillis(1);
    assertThat(nonces.remember("k n-1", forgetAt)).isEqualTo(Nonces.Seen.REPLAYED);
    clock.now = forgetAt.plusSeconds(1);
    assertThat(nonces.size()).isZero();
  }

  @Test
  void whenFullOfLiveNonces_newOnesAreRefused_neverALiveOneForgotten_untilTheyExpire() {
    MovableClock clock = new MovableClock(NOW);
    Nonces nonces = new Nonces(100, clock);
    for (int i = 0; i < 100; i++) {
      assertThat(nonces.remember("k n-" + i, NOW.plusSeconds(90))).isEqualTo(Nonces.Seen.NEW);
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(nonces.remember("k flood-" + i, NOW.plusSeconds(90))).isEqualTo(Nonces.Seen.FULL);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(nonces.remember("k n-" + i, NOW.plusSeconds(90))).as("still remembered").isEqualTo(Nonces.Seen.REPLAYED);
    }

    clock.now = NOW.plus(Duration.ofSeconds(91));
    assertThat(nonces.remember("k later", NOW.plusSeconds(200))).as("room again once they expire").isEqualTo(Nonces.Seen.NEW);
  }
}
