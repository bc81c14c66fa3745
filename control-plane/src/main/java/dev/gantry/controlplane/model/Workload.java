package dev.gantry.controlplane.model;

import dev.gantry.routing.Affinity;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import dev.gantry.routing.Labels;
import java.util.TreeSet;

/**
 * A workload, where it is deployed and how the gateway talks to it.
 *
 * @param id the workload, e.g. {@code agt-echo-demo}
 * @param isPublic reachable without credentials
 * @param regions the regions it is deployed to, sorted
 * @param protocol how the gateway speaks to its replicas
 * @param maxStreamDuration how long one stream to it may last
 * @param policy its own location policy, applied on top of its workspace's
 * @param forwardCredential pass the raw credential on to it (by default it is removed)
 * @param labels its owner's key/value labels, sorted by key
 * @param sendLabels send the labels to it with every request
 * @param affinity the header or cookie whose value keeps requests on one replica; null for none
 */
public record Workload(
    WorkloadId id,
    boolean isPublic,
    SortedSet<String> regions,
    Protocol protocol,
    Duration maxStreamDuration,
    LocationPolicy policy,
    boolean forwardCredential,
    SortedMap<String, String> labels,
    boolean sendLabels,
    Affinity affinity) {

  /** Labels a workload may carry at most. */
  public static final int MAX_LABELS = 32;

  public Workload {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(maxStreamDuration, "maxStreamDuration");
    Objects.requireNonNull(policy, "policy");
    regions = Collections.unmodifiableSortedSet(new TreeSet<>(regions));
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException("workload '" + id + "' has " + labels.size() + " labels (expected: at most " + MAX_LABELS + ")");
    }
    labels.forEach((key, value) -> {
      if (!Labels.isValid(key, value)) {
        throw new IllegalArgumentException("label '" + key + "=" + value + "' (expected: " + Labels.EXPECTED + ")");
      }
    });
  }

  /** A workload without affinity. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration,
      LocationPolicy policy, boolean forwardCredential, SortedMap<String, String> labels, boolean sendLabels) {
    this(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels, null);
  }

  /** A workload without labels. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration,
      LocationPolicy policy, boolean forwardCredential) {
    this(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, new TreeMap<>(), false);
  }

  /** A workload that gets identity headers, never the raw credential. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration,
      LocationPolicy policy) {
    this(id, isPublic, regions, protocol, maxStreamDuration, policy, false);
  }

  /** A workload without a location policy of its own. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration) {
    this(id, isPublic, regions, protocol, maxStreamDuration, LocationPolicy.ANY);
  }

  /** An HTTP/1.1 workload with its product's stream limit. */
  public Workload(WorkloadId id, boolean isPublic, SortedSet<String> regions) {
    this(id, isPublic, regions, Protocol.HTTP1, StreamLimits.defaultFor(id.product()));
  }

  /** The same workload under another policy of its own. */
  public Workload withPolicy(LocationPolicy next) {
    return new Workload(id, isPublic, regions, protocol, maxStreamDuration, next, forwardCredential, labels, sendLabels, affinity);
  }

  /** The same workload deployed to other regions. */
  public Workload withRegions(SortedSet<String> next) {
    return new Workload(id, isPublic, next, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels, affinity);
  }
}
