package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.model.Replica;
import java.util.List;

/**
 * Where replica leases are kept: in memory for one control plane, or in the database so every
 * control-plane replica sees every heartbeat. Renewing a lease is not a state change.
 */
public interface LeaseBook {

  /** Grants (or re-grants) a lease of {@code ttlMillis} from {@code nowMillis}. */
  void grant(Replica replica, long ttlMillis, long nowMillis);

  /** Renews a lease by its own ttl; returns the ttl, or -1 when there is no lease. */
  long renew(Replica replica, long nowMillis);

  /** Drops a lease (the replica left or was removed). */
  void drop(Replica replica);

  /** True when {@code replica} holds a lease. */
  boolean holds(Replica replica);

  /** Leases that ran out by {@code nowMillis}. */
  List<Replica> expired(long nowMillis);

  /** Leases held now, by region (expired ones not yet dropped included). */
  java.util.Map<String, Long> countByRegion();
}
