package dev.gantry.controlplane.training;

import dev.gantry.controlplane.status.FleetStatusBoard;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Waits until regions' published configs reflect a state, woken by each change of the status
 * board: nothing polls, so the wait takes no core from the control plane it waits for.
 */
public final class RegionWait {
  /** The longest wait: a publisher that died (of a full heap, say) never gets there. */
  public static final Duration LIMIT = Duration.ofMinutes(3);

  private final FleetStatusBoard board;

  public RegionWait(FleetStatusBoard board) {
    this.board = board;
    board.onChange(this::changed);
  }

  private synchronized void changed() {
    notifyAll();
  }

  /**
   * Waits until every one of {@code regions} reflects state {@code version}.
   *
   * @throws IllegalStateException when {@code limit} passes first
   */
  public synchronized void await(Set<String> regions, long version, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Map<String, Long> reflected = board.reflected();
      if (regions.stream().allMatch(r -> reflected.getOrDefault(r, -1L) >= version)) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("regions reflect " + reflected + ", not state " + version + ", after " + limit);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
