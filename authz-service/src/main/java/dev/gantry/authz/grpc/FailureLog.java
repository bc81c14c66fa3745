package dev.gantry.authz.grpc;

import com.google.errorprone.annotations.ThreadSafe;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs the service's own failures without letting their rate decide the log's size: the first
 * of each kind (exception class) in an interval is logged with its stack trace, the rest are
 * counted and reported with the next one logged. A flood of requests that trip one bug writes
 * one trace per interval, not one per request.
 */
@ThreadSafe
final class FailureLog {

  private final java.util.function.BiConsumer<String, Throwable> log;
  private final Clock clock;
  private final long intervalMillis;
  private final Map<Class<?>, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    volatile long startedAt;
    final AtomicLong suppressed = new AtomicLong();
  }

  /** {@code log} writes one message with its failure's stack trace. */
  FailureLog(java.util.function.BiConsumer<String, Throwable> log, Clock clock, long intervalMillis) {
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
    log.accept(what + " (" + suppressed + " more of this kind in the last " + intervalMillis / 1000 + " s, not logged)", failure);
  }
}
