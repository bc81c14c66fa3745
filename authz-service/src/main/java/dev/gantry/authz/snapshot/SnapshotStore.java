package dev.gantry.authz.snapshot;

import dev.gantry.authz.model.AuthzSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds the snapshot decisions read. Readers take the current value with one volatile read;
 * the one writer (the snapshot stream) swaps in a new value only after building and checking
 * it whole, so a bad update never replaces a good snapshot.
 */
public final class SnapshotStore {

  // Written by the snapshot stream's thread only, read by every Check: volatile is enough.
  private volatile AuthzSnapshot current;
  private final CountDownLatch firstSnapshot = new CountDownLatch(1);
  private final Consumer<AuthzSnapshot> beforeSwap;
  private final Consumer<AuthzSnapshot> onSwap;

  /** @param onSwap told of each snapshot swapped in, on the writer's thread */
  public SnapshotStore(Consumer<AuthzSnapshot> onSwap) {
    this(snapshot -> {}, onSwap);
  }

  /**
   * @param beforeSwap prepares what a snapshot needs before any decision reads it (e.g. its
   *     issuers' keys); runs on the writer's thread and may wait, briefly
   * @param onSwap told of each snapshot swapped in, on the writer's thread
   */
  public SnapshotStore(Consumer<AuthzSnapshot> beforeSwap, Consumer<AuthzSnapshot> onSwap) {
    this.beforeSwap = beforeSwap;
    this.onSwap = onSwap;
  }

  /** The current snapshot, or null before the first complete one arrived. */
  public AuthzSnapshot current() {
    return current;
  }

  /** Replaces the current snapshot. */
  public void swap(AuthzSnapshot next) {
    beforeSwap.accept(next);
    current = next;
    firstSnapshot.countDown();
    onSwap.accept(next);
  }

  /** Waits until the first snapshot arrived; true when it did within the timeout. */
  public boolean awaitFirst(long timeout, TimeUnit unit) throws InterruptedException {
    return firstSnapshot.await(timeout, unit);
  }
}
