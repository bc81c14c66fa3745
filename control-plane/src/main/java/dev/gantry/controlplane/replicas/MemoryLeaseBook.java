package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.model.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Leases in memory: for a control plane without a database. */
public final class MemoryLeaseBook implements LeaseBook {

  private record Lease(long expiresAtMillis, long ttlMillis) {}

  private final Map<Replica, Lease> leases = new ConcurrentHashMap<>();

  @Override
  public void grant(Replica replica, long ttlMillis, long nowMillis) {
    leases.put(replica, new Lease(nowMillis + ttlMillis, ttlMillis));
  }

  @Override
  public long renew(Replica replica, long nowMillis) {
    Lease renewed = leases.computeIfPresent(replica, (r, lease) -> new Lease(nowMillis + lease.ttlMillis(), lease.ttlMillis()));
    return renewed == null ? -1 : renewed.ttlMillis();
  }

  @Override
  public void drop(Replica replica) {
    leases.remove(replica);
  }

  @Override
  public boolean holds(Replica replica) {
    return leases.containsKey(replica);
  }

  @Override
  public Map<String, Long> countByRegion() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    leases.keySet().forEach(replica -> counts.merge(replica.region(), 1L, Long::sum));
    return counts;
  }

  @Override
  public List<Replica> expired(long nowMillis) {
    List<Replica> expired = new ArrayList<>();
    leases.forEach((replica, lease) -> {
      if (nowMillis > lease.expiresAtMillis()) {
        expired.add(replica);
      }
    });
    return expired;
  }
}
