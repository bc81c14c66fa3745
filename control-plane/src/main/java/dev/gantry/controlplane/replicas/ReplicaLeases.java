package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.store.FleetStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Replicas that announce themselves: each holds a lease it renews with heartbeats; one that stops
 * renewing is removed when its lease runs out. Heartbeats touch only this registry, never the
 * store: only a replica that comes or goes writes a new state, and Envoy learns of it by EDS
 * alone. (Replicas from the seed are not leased and stay until removed.)
 */
public final class ReplicaLeases {

  /** A lease when the replica does not ask for another. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(3);

  private static final Duration MIN_TTL = Duration.ofMillis(500);
  private static final Duration MAX_TTL = Duration.ofMinutes(5);

  private record Lease(long expiresAtNanos, long ttlNanos) {}

  private final FleetStore store;
  private final Deployments deployments;
  private final LongSupplier nanoClock;
  private final Map<Replica, Lease> leases = new ConcurrentHashMap<>();

  /** @param nanoClock {@link System#nanoTime}, or a test's clock */
  public ReplicaLeases(FleetStore store, Deployments deployments, LongSupplier nanoClock) {
    this.store = store;
    this.deployments = deployments;
    this.nanoClock = nanoClock;
  }

  /**
   * Adds {@code replica} (a write, when it is new) and leases it for {@code ttl}.
   *
   * @return the lease granted, {@code ttl} bounded to [0.5 s, 5 min]; zero asks for the default
   * @throws Refusal when the workload does not exist or is not deployed to the replica's region
   */
  public Duration register(Replica replica, Duration ttl) {
    Duration granted = ttl.isZero() ? DEFAULT_TTL : clamp(ttl);
    store.update(state -> deployments.addReplica(state, replica));
    leases.put(replica, new Lease(nanoClock.getAsLong() + granted.toNanos(), granted.toNanos()));
    return granted;
  }

  /**
   * Renews a lease.
   *
   * @return the lease, or null when the replica is not registered (it expired, was removed, or
   *     the control plane restarted): the replica registers again
   */
  public Duration heartbeat(Replica replica) {
    Lease renewed = leases.computeIfPresent(
        replica, (r, lease) -> new Lease(nanoClock.getAsLong() + lease.ttlNanos(), lease.ttlNanos()));
    if (renewed == null || !store.current().replicas().contains(replica)) {
      leases.remove(replica);
      return null;
    }
    return Duration.ofNanos(renewed.ttlNanos());
  }

  /** Removes a replica, leased or not. */
  public void deregister(Replica replica) {
    leases.remove(replica);
    store.update(state -> deployments.removeReplica(state, replica));
  }

  /** True when {@code replica} holds a lease. */
  public boolean isLeased(Replica replica) {
    return leases.containsKey(replica);
  }

  /** Removes every replica whose lease ran out, in one write; returns them. */
  public List<Replica> expire() {
    long now = nanoClock.getAsLong();
    List<Replica> expired = new ArrayList<>();
    leases.forEach((replica, lease) -> {
      if (now - lease.expiresAtNanos() > 0 && leases.remove(replica, lease)) {
        expired.add(replica);
      }
    });
    if (!expired.isEmpty()) {
      Set<Replica> gone = new HashSet<>(expired);
      store.update(state -> state.replicas().stream().noneMatch(gone::contains)
          ? state
          : state.withWorkloads(state.workloads(), state.replicas().stream().filter(r -> !gone.contains(r)).toList()));
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
