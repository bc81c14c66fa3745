package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureLogTest {

  private Clock at(long seconds) {
    return Clock.fixed(Instant.EPOCH.plus(Duration.ofSeconds(seconds)), ZoneOffset.UTC);
  }

  @Test
  void aFloodOfOneFailure_writesOneTracePerIntervalAndKind_andCountsTheRest() {
    List<String> written = new ArrayList<>();
    Clock[] now = {at(1000)};
    FailureLog log = new FailureLog((message, failure) -> written.add(message), new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0].instant();
      }
    }, 60_000);

    for (int i = 0; i < 10_000; i++) {
      log.failed("check failed", new IllegalStateException("boom"));
    }
    log.failed("check failed", new ArithmeticException("other kind"));
    assertThat(written).as("one per kind").hasSize(2);

    now[0] = at(1061);
    log.failed("check failed", new IllegalStateException("boom"));
    assertThat(written).hasSize(3);
    assertThat(written.get(2)).contains("9999 more of this kind");
  }
}
