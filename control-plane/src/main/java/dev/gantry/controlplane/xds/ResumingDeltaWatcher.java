package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Delta xDS that resumes: java-control-plane (1.0.49) starts every delta stream as if the Envoy
 * held nothing, ignoring the {@code initial_resource_versions} a reconnecting Envoy sends, so
 * resources deleted while it was away are never named in {@code removed_resources} and linger
 * in it (docs/architecture.md, "Envoy and library behaviour we rely on"). This watcher keeps, per stream and type, what the Envoy holds — the
 * initial versions it named, then every resource sent and removal announced — and has the cache
 * compare the snapshot against that. Unchanged resources are not sent again (content-hash
 * versions survive restarts); vanished ones are removed. State-of-the-world watches pass through.
 *
 * <p>A delta stream's first wildcard request of a type (clusters, listeners) that the cache
 * leaves unanswered means the Envoy holds exactly that type's resources in the region's
 * snapshot — it reconnected holding them, or there are none — though no response will carry
 * a version for its ACK to name: that is told to a {@link Held} (the status board), when the
 * snapshot is the same object before and after the watch (one published meanwhile answers the
 * watch, and its ACK tells the rest). A named subscription (routes, endpoints) is always
 * answered with the names it asks for that exist, so one left unanswered holds nothing of the
 * snapshot and is not told. The control plane serves Envoys only once every region has a
 * snapshot (before one, the library would compare a reconnecting Envoy's resources with none:
 * what vanished meanwhile would not be named, and nothing would be sent to ACK).
 *
 * <p>The library runs the stream callbacks and then creates the watch on the same thread, so
 * {@link XdsCallbacks} names the stream in {@link #onRequest} just before.
 */
public final class ResumingDeltaWatcher implements ConfigWatcher {

  /** Told that the Envoy on a delta stream holds a type's version without a response to ACK. */
  @FunctionalInterface
  public interface Held {
    void holds(long stream, String typeUrl, String version);
  }

  private final SimpleCache<String> cache;
  private final NodeGroup<String> groups;
  private final Held told;
  private final ThreadLocal<Long> currentStream = new ThreadLocal<>();
  private final Map<Long, Map<String, Map<String, String>>> held = new ConcurrentHashMap<>();

  /**
   * @param groups the cache's node groups, to find an Envoy's snapshot
   * @param told told when a stream's first request of a type is left unanswered
   */
  public ResumingDeltaWatcher(SimpleCache<String> cache, NodeGroup<String> groups, Held told) {
    this.cache = cache;
    this.groups = groups;
    this.told = told;
  }

  /** A delta request arrived on {@code stream}; the watch for it is created next, on this thread. */
  void onRequest(long stream) {
    currentStream.set(stream);
  }

  /** The stream ended: forget what its Envoy held. */
  void onStreamClosed(long stream) {
    held.remove(stream);
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    return cache.createWatch(ads, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
      Set<String> pendingResources, boolean isWildcard, Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    Long stream = currentStream.get();
    currentStream.remove();
    if (stream == null) {
      return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
          responseConsumer, hasClusterChanged);
    }
    Map<String, Map<String, String>> byType = held.computeIfAbsent(stream, s -> new ConcurrentHashMap<>());
    boolean first = !byType.containsKey(request.getTypeUrl());
    Map<String, String> holds = byType
        .computeIfAbsent(request.getTypeUrl(), type -> new ConcurrentHashMap<>(request.v3Request().getInitialResourceVersionsMap()));
    Map<String, String> known = new HashMap<>(holds);
    known.putAll(resourceVersions);
    Snapshot before = first && isWildcard ? snapshotOf(request) : null;
    AtomicBoolean answered = new AtomicBoolean();
    DeltaWatch watch = cache.createDeltaWatch(request, requesterVersion, known, pendingResources, isWildcard, response -> {
      answered.set(true);
      response.resources().forEach((name, resource) -> holds.put(name, resource.version()));
      response.removedResources().forEach(holds::remove);
      responseConsumer.accept(response);
    }, hasClusterChanged);
    if (before != null && request.getResourceType() != null && !answered.get() && snapshotOf(request) == before) {
      told.holds(stream, request.getTypeUrl(), before.version(request.getResourceType()));
    }
    return watch;
  }

  /** The snapshot of the request's Envoy's group; null while there is none. */
  private Snapshot snapshotOf(DeltaXdsRequest request) {
    return cache.getSnapshot(groups.hash(request.v3Request().getNode()));
  }
}
