package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>The library runs the stream callbacks and then creates the watch on the same thread, so
 * {@link XdsCallbacks} names the stream in {@link #onRequest} just before.
 */
public final class ResumingDeltaWatcher implements ConfigWatcher {

  private final ConfigWatcher cache;
  private final ThreadLocal<Long> currentStream = new ThreadLocal<>();
  private final Map<Long, Map<String, Map<String, String>>> held = new ConcurrentHashMap<>();

  public ResumingDeltaWatcher(ConfigWatcher cache) {
    this.cache = cache;
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
    Map<String, String> holds = held.computeIfAbsent(stream, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(request.getTypeUrl(), type -> new ConcurrentHashMap<>(request.v3Request().getInitialResourceVersionsMap()));
    Map<String, String> known = new HashMap<>(holds);
    known.putAll(resourceVersions);
    return cache.createDeltaWatch(request, requesterVersion, known, pendingResources, isWildcard, response -> {
      response.resources().forEach((name, resource) -> holds.put(name, resource.version()));
      response.removedResources().forEach(holds::remove);
      responseConsumer.accept(response);
    }, hasClusterChanged);
  }
}
