package dev.gantry.controlplane.store;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.gantry.controlplane.model.FleetState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The control plane's state, in memory. Writes are serialised: each one sees the state the
 * previous one left and produces the next version, and subscribers are told of every version in
 * order. (A durable store with the same contract is issue 5.)
 */
@ThreadSafe
public final class FleetStore {

  private final Object lock = new Object();

  @GuardedBy("lock")
  private FleetState state = FleetState.empty();

  private final List<Consumer<FleetState>> subscribers = new CopyOnWriteArrayList<>();

  /** The current state. */
  public FleetState current() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * Applies {@code change} to the current state and stores the result as the next version.
   * Subscribers are called under the write lock, so they see versions in order; they must only
   * hand the state on, never block.
   *
   * @param change a pure function of the current state; it throws to refuse the write, and
   *     then nothing is stored; returning the very state it was given stores nothing either
   * @return the stored state
   */
  public FleetState update(UnaryOperator<FleetState> change) {
    synchronized (lock) {
      FleetState changed = change.apply(state);
      if (changed == state) {
        return state; // nothing changed: no new version, nobody told
      }
      FleetState next =
          new FleetState(state.version() + 1, changed.workspaces(), changed.workloads(), changed.replicas());
      state = next;
      for (Consumer<FleetState> subscriber : subscribers) {
        subscriber.accept(next);
      }
      return next;
    }
  }

  /** Calls {@code subscriber} with the current state now and with every later one. */
  public void subscribe(Consumer<FleetState> subscriber) {
    synchronized (lock) {
      subscribers.add(subscriber);
      subscriber.accept(state);
    }
  }
}
