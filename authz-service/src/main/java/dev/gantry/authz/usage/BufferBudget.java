package dev.gantry.authz.usage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all {@link UsageReader}s together may hold while they wait for a body's end: a
 * response that would need more is not read (its usage is not counted), never held longer.
 * Thread-safe.
 */
public final class BufferBudget {

  private final long capacity;
  private final AtomicLong free;

  public BufferBudget(long bytes) {
    this.capacity = bytes;
    this.free = new AtomicLong(bytes);
  }

  /** Takes {@code bytes}, or nothing and false when there are not that many free. */
  boolean take(long bytes) {
    while (true) {
      long now = free.get();
      if (now < bytes) {
        return false;
      }
      if (free.compareAndSet(now, now - bytes)) {
        return true;
      }
    }
  }

  /** Gives back bytes taken before. */
  void give(long bytes) {
    free.addAndGet(bytes);
  }

  /** Bytes held now. */
  public long held() {
    return capacity - free.get();
  }
}
