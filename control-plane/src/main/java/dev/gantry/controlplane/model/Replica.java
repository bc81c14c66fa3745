package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.Comparator;

/**
 * One running instance of a workload in one region, where its gateway sends traffic.
 *
 * @param workload the workload it serves
 * @param region the region it runs in
 * @param address where it listens
 */
public record Replica(WorkloadId workload, String region, HostPort address) {

  /** Replicas in a stable order, so identical state translates to identical resources. */
  public static final Comparator<Replica> ORDER =
      Comparator.comparing((Replica r) -> r.workload().toString())
          .thenComparing(Replica::region)
          .thenComparing(r -> r.address().host())
          .thenComparingInt(r -> r.address().port());
}
