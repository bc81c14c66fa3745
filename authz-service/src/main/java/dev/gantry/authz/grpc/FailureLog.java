package dev.gantry.authz.grpc;

import com.google.errorprone.annotations.ThreadSafe;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs the service's own failures without letting their rate decide the log's size: the first
 * of each kind (exception class) in an interval is logged with its stack trace, the rest are
 * counted and reported with the next one logged. A flood of requests that trip one bug writes
 * one trace per interval, not one per request.
 */
@ThreadSafe
final class FailureLog {

  private final Logger log;
  private final Clock clock;
  private final long intervalMillis;
  private final Map<Class<?>, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    volatile long startedAt;
    final AtomicLong suppressed = new AtomicLong();
  }

  FailureLog(Logger log, Clock clock, long intervalMillis) {
    this.log = log;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  void failed(String what, Throwable failure) {
    long now = clock.millis();
    Window window = windows.computeIfAbsent(failure.getClass(), k -> new Window());
    synchronized (window) {
      if (window.startedAt != 0 && now - window.startedAt < intervalMillis) {
        window.suppressed.incrementAndGet();
        return;
      }
      window.startedAt = now;
    }
    long suppressed = window.suppressed.getAndSet(0);
    log.error("{} ({} more of this kind in the last {} s, not logged)", what, suppressed, intervalMillis / 1000, failure);
  }
}
