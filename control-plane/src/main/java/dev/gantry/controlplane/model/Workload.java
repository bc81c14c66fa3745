package dev.gantry.controlplane.model;

import dev.gantry.routing.WorkloadId;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A workload, where it is deployed and how the gateway talks to it.
 *
 * @param id the workload, e.g. {@code agt-echo-demo}
 * @param isPublic reachable without credentials
 * @param regions the regions it is deployed to, sorted
 * @param protocol how the gateway speaks to its replicas
 * @param maxStreamDuration how long one stream to it may last
 */
public record Workload(
    WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration) {

  public Workload {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(maxStreamDuration, "maxStreamDuration");
    regions = Collections.unmodifiableSortedSet(new TreeSet<>(regions));
  }

  /** An HTTP/1.1 workload with its product's stream limit. */
  public Workload(WorkloadId id, boolean isPublic, SortedSet<String> regions) {
    this(id, isPublic, regions, Protocol.HTTP1, StreamLimits.defaultFor(id.product()));
  }
}
