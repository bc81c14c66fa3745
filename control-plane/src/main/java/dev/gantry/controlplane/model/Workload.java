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
 * @param previews a sandbox's ports reachable by preview URLs, sorted by port
 * @param metering how its responses' usage is metered; null when it is not
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
    Affinity affinity,
    java.util.List<Preview> previews,
    dev.gantry.routing.Metering metering) {

  /** Labels a workload may carry at most. */
  public static final int MAX_LABELS = 32;

  /** Ports a sandbox may expose by preview URLs at most. */
  public static final int MAX_PREVIEWS = 16;

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
    previews = previews.stream().sorted(java.util.Comparator.comparingInt(Preview::port)).toList();
    if (!previews.isEmpty() && id.product() != dev.gantry.routing.Product.SANDBOX) {
      throw new IllegalArgumentException("workload '" + id + "' is not a sandbox (expected: preview ports only for sandboxes)");
    }
    if (previews.size() > MAX_PREVIEWS) {
      throw new IllegalArgumentException("sandbox '" + id + "' exposes " + previews.size() + " ports (expected: at most "
          + MAX_PREVIEWS + ")");
    }
    for (int i = 1; i < previews.size(); i++) {
      if (previews.get(i).port() == previews.get(i - 1).port()) {
        throw new IllegalArgumentException("sandbox '" + id + "' exposes port " + previews.get(i).port() + " twice");
      }
    }
    for (Preview preview : previews) {
      String label = preview.port() + dev.gantry.routing.ClusterNames.PREVIEW_SEPARATOR + id;
      if (label.length() > dev.gantry.routing.HostnameGrammar.MAX_LABEL_LENGTH) {
        throw new IllegalArgumentException("preview label '" + label + "' has " + label.length() + " characters (expected:"
            + " at most " + dev.gantry.routing.HostnameGrammar.MAX_LABEL_LENGTH + "; a shorter sandbox name)");
      }
    }
  }

  /** A workload that is not metered. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration,
      LocationPolicy policy, boolean forwardCredential, SortedMap<String, String> labels, boolean sendLabels,
      Affinity affinity, java.util.List<Preview> previews) {
    this(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels, affinity,
        previews, null);
  }

  /** A workload without preview ports. */
  public Workload(
      WorkloadId id, boolean isPublic, SortedSet<String> regions, Protocol protocol, Duration maxStreamDuration,
      LocationPolicy policy, boolean forwardCredential, SortedMap<String, String> labels, boolean sendLabels,
      Affinity affinity) {
    this(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels, affinity,
        java.util.List.of());
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
    return new Workload(id, isPublic, regions, protocol, maxStreamDuration, next, forwardCredential, labels, sendLabels, affinity, previews, metering);
  }

  /** The same sandbox exposing other ports. */
  public Workload withPreviews(java.util.List<Preview> next) {
    return new Workload(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels,
        affinity, next, metering);
  }

  /** The same workload, metered otherwise (null: not metered). */
  public Workload withMetering(dev.gantry.routing.Metering next) {
    return new Workload(id, isPublic, regions, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels,
        affinity, previews, next);
  }

  /** The preview of {@code port}, or null when the sandbox does not expose it. */
  public Preview preview(int port) {
    return previews.stream().filter(p -> p.port() == port).findFirst().orElse(null);
  }

  /** The same workload deployed to other regions. */
  public Workload withRegions(SortedSet<String> next) {
    return new Workload(id, isPublic, next, protocol, maxStreamDuration, policy, forwardCredential, labels, sendLabels, affinity, previews, metering);
  }
}
