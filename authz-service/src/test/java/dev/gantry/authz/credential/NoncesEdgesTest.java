package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Nonces are forgotten at their time to the nanosecond, and counted while held. */
class NoncesEdgesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void aNonce_isForgottenAtItsTime_notAFractionOfASecondSoonerOrLater() {
    MovableClock clock = new MovableClock(NOW);
    clock.now = NOW.plusMillis(900);
    Nonces nonces = new Nonces(10, clock);
    Instant forgetAt = clock.now.plusSeconds(90);

    assertThat(nonces.remember("k n-1", forgetAt)).isEqualTo(Nonces.Seen.NEW);
    clock.now = forgetAt.minusMillis(500);
    assertThat(nonces.remember("k n-1", forgetAt)).as("half a second before").isEqualTo(Nonces.Seen.REPLAYED);
    clock.now = forgetAt.plusMillis(1);
    assertThat(nonces.remember("k n-1", forgetAt)).as("a millisecond after").isEqualTo(Nonces.Seen.NEW);
  }

  @Test
  void size_countsTheNoncesStillHeld() {
    MovableClock clock = new MovableClock(NOW);
    Nonces nonces = new Nonces(10, clock);
    nonces.remember("k n-1", NOW.plusSeconds(90));
    nonces.remember("k n-2", NOW.plusSeconds(30));

    assertThat(nonces.size()).isEqualTo(2);
    clock.now = NOW.plusSeconds(60);
    assertThat(nonces.size()).isEqualTo(1);
  }
}
