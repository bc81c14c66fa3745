package dev.gantry.controlplane.store;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.gantry.controlplane.model.FleetState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The control plane's state: the current {@link FleetState} in memory, kept in a {@link
 * Database} when it has one (issue 5), and every subscriber told of every version in order.
 *
 * <p>A write is a pure function of the current state, applied in one transaction that first
 * locks the version row: writes are serialised across every control-plane replica sharing the
 * database, each sees the state the previous one left (reloaded if another replica wrote
 * since), and versions only go up, across restarts too. A write that throws, or fails to
 * commit, stores nothing. {@link #refresh()} picks up what other replicas wrote.
 */
@ThreadSafe
public final class FleetStore {

  private final Object lock = new Object();
  private final Database database;

  @GuardedBy("lock")
  private FleetState state = FleetState.empty();

  private final List<Consumer<FleetState>> subscribers = new CopyOnWriteArrayList<>();

  /** What a store's writes did, for metrics: called under the write lock, so it must not block. */
  public interface Observer {
    /** Version {@code version} was stored (and is about to be handed to subscribers), {@code nanos} after the write began. */
    void written(long version, long nanos);

    /** A write stored nothing: its change threw {@code why} (a refusal), or the database failed. */
    void refused(RuntimeException why);
  }

  private final List<Observer> observers = new CopyOnWriteArrayList<>();

  /** Tells {@code observer} of every write made through this store from now on. */
  public void observe(Observer observer) {
    observers.add(observer);
  }

  /** A store in memory only: its state is gone with the process (tests). */
  public FleetStore() {
    this.database = null;
  }

  /** A store kept in {@code database}; starts from what the database holds. */
  public FleetStore(Database database) {
    this.database = database;
    try (Connection connection = database.connect()) {
      state = EntityRows.load(connection);
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException("store " + database.describe() + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Which history its versions belong to: the database's identity, or one made up for this
   * process when the state lives in memory (its versions start again at every start).
   */
  public String identity() {
    return database == null ? memoryIdentity : database.identity();
  }

  private final String memoryIdentity = "memory-" + java.util.UUID.randomUUID();

  /** The database behind it, or null in memory. */
  public Database database() {
    return database;
  }

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
   * @throws StoreException when the database cannot be written (nothing was)
   */
  public FleetState update(UnaryOperator<FleetState> change) {
    long start = System.nanoTime();
    try {
      return write(change, start);
    } catch (RuntimeException e) {
      observers.forEach(o -> o.refused(e));
      throw e;
    }
  }

  private FleetState write(UnaryOperator<FleetState> change, long start) {
    synchronized (lock) {
      if (database == null) {
        FleetState changed = change.apply(state);
        if (changed == state) {
          return state;
        }
        FleetState next = changed.withVersion(state.version() + 1);
        // Observers first: a subscriber may act on the new state at once (the publisher does).
        written(next.version(), start);
        publish(next);
        return state;
      }
      try (Connection connection = database.connect()) {
        try {
          long stored = EntityRows.lockVersion(connection);
          if (stored != state.version()) {
            publish(EntityRows.load(connection)); // another replica wrote since
          }
          FleetState changed = change.apply(state);
          if (changed == state) {
            connection.rollback();
            return state;
          }
          FleetState next = changed.withVersion(state.version() + 1);
          EntityRows.write(connection, state, next);
          connection.commit();
          written(next.version(), start);
          publish(next);
          return next;
        } catch (RuntimeException | SQLException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw new StoreException("store " + database.describe() + " could not be written (nothing was): " + e.getMessage(), e);
      }
    }
  }

  private void written(long version, long start) {
    long nanos = System.nanoTime() - start;
    observers.forEach(o -> o.written(version, nanos));
  }

  /**
   * Reads the database's version and, when another control-plane replica wrote a newer state,
   * loads and publishes it. Returns whether it did.
   */
  public boolean refresh() {
    if (database == null) {
      return false;
    }
    synchronized (lock) {
      try (Connection connection = database.connect()) {
        boolean newer = EntityRows.version(connection) > state.version();
        if (newer) {
          publish(EntityRows.load(connection));
        }
        connection.commit();
        return newer;
      } catch (SQLException e) {
        throw new StoreException("store " + database.describe() + " cannot be read: " + e.getMessage(), e);
      }
    }
  }

  @GuardedBy("lock")
  private void publish(FleetState next) {
    state = next;
    for (Consumer<FleetState> subscriber : subscribers) {
      subscriber.accept(next);
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
