package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.store.FleetStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Replicas that announce themselves: each holds a lease it renews with heartbeats; one that stops
 * renewing is removed when its lease runs out. Heartbeats touch only the {@link LeaseBook},
 * never the state: only a replica that comes or goes writes a new version, and Envoy learns of
 * it by EDS alone. (Replicas from the seed or added by an operator hold no lease and stay until
 * removed.)
 */
public final class ReplicaLeases {

  /** A lease when the replica does not ask for another. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(3);

  private static final Duration MIN_TTL = Duration.ofMillis(500);
  private static final Duration MAX_TTL = Duration.ofMinutes(5);

  private final FleetStore store;
  private final Deployments deployments;
  private final LeaseBook book;
  private final LongSupplier clockMillis;

  /** @param clockMillis {@link System#currentTimeMillis}, or a test's clock */
  public ReplicaLeases(FleetStore store, Deployments deployments, LeaseBook book, LongSupplier clockMillis) {
    this.store = store;
    this.deployments = deployments;
    this.book = book;
    this.clockMillis = clockMillis;
  }

  /**
   * Adds {@code replica} (a write, when it is new) and leases it for {@code ttl}.
   *
   * @return the lease granted, {@code ttl} bounded to [0.5 s, 5 min]; zero asks for the default
   * @throws Refusal when the workload does not exist or is not deployed to the replica's region;
   *     then no lease is left behind
   */
  public Duration register(Replica replica, Duration ttl) {
    Duration granted = ttl.isZero() ? DEFAULT_TTL : clamp(ttl);
    // The lease first: a replica in the state without one would never expire.
    book.grant(replica, granted.toMillis(), clockMillis.getAsLong());
    try {
      store.update(state -> deployments.addReplica(state, replica));
    } catch (RuntimeException e) {
      book.drop(replica);
      throw e;
    }
    return granted;
  }

  /**
   * Renews a lease.
   *
   * @return the lease, or null when the replica is not registered (it expired, was removed, or
   *     its lease was lost): the replica registers again
   */
  public Duration heartbeat(Replica replica) {
    long ttl = book.renew(replica, clockMillis.getAsLong());
    if (ttl < 0) {
      return null;
    }
    if (!store.current().hasReplica(replica)) {
      store.refresh(); // another control-plane replica may have added it a moment ago
      if (!store.current().hasReplica(replica)) {
        book.drop(replica);
        return null;
      }
    }
    return Duration.ofMillis(ttl);
  }

  /** Removes a replica, leased or not. */
  public void deregister(Replica replica) {
    book.drop(replica);
    store.update(state -> deployments.removeReplica(state, replica));
  }

  /** True when {@code replica} holds a lease. */
  public boolean isLeased(Replica replica) {
    return book.holds(replica);
  }

  /** Removes every replica whose lease ran out, in one write; returns them. */
  public List<Replica> expire() {
    List<Replica> expired = book.expired(clockMillis.getAsLong());
    if (!expired.isEmpty()) {
      Set<Replica> gone = new HashSet<>(expired);
      store.update(state -> state.withoutReplicas(gone::contains));
      expired.forEach(book::drop);
    }
    return expired;
  }

  private static Duration clamp(Duration ttl) {
    if (ttl.compareTo(MIN_TTL) < 0) {
      return MIN_TTL;
    }
    return ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL : ttl;
  }
}
