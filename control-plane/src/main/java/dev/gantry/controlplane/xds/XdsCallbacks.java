package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the ADS streams: which Envoy is on which stream, and every rejected config (NACK),
 * logged with Envoy's reason. (The fleet status view of issue 5 builds on this.)
 */
public final class XdsCallbacks implements DiscoveryServerCallbacks {

  private static final Logger log = LoggerFactory.getLogger(XdsCallbacks.class);

  /** Node id by stream: Envoy sends its node only on a stream's first request. */
  private final Map<Long, String> nodes = new ConcurrentHashMap<>();
  private final Set<String> knownRegions;

  /** @param knownRegions regions of the catalog; an Envoy of another region gets no config */
  public XdsCallbacks(Set<String> knownRegions) {
    this.knownRegions = Set.copyOf(knownRegions);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    if (request.hasNode()) {
      String region = request.getNode().getLocality().getRegion();
      if (nodes.put(streamId, request.getNode().getId()) == null) {
        log.info("envoy {} (region '{}') connected on stream {}", request.getNode().getId(), region, streamId);
        if (!knownRegions.contains(region)) {
          log.warn("envoy {} names region '{}', which is not in the catalog {}: it gets no config"
              + " (set node.locality.region in its bootstrap)", request.getNode().getId(), region, knownRegions);
        }
      }
    }
    if (request.hasErrorDetail()) {
      log.warn("envoy {} rejected {} version '{}' (keeps '{}'): {}",
          nodes.getOrDefault(streamId, "?"), request.getTypeUrl(), request.getResponseNonce(),
          request.getVersionInfo(), request.getErrorDetail().getMessage());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    if (request.hasNode()) {
      nodes.putIfAbsent(streamId, request.getNode().getId());
    }
    if (request.hasErrorDetail()) {
      log.warn("envoy {} rejected {} (delta): {}",
          nodes.getOrDefault(streamId, "?"), request.getTypeUrl(), request.getErrorDetail().getMessage());
    }
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    forget(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    forget(streamId);
  }

  private void forget(long streamId) {
    String node = nodes.remove(streamId);
    if (node != null) {
      log.info("envoy {} disconnected (stream {})", node, streamId);
    }
  }
}
