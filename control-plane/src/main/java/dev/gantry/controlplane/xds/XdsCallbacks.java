package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.status.FleetStatusBoard;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the ADS streams: which Envoy is on which stream, what it acknowledged, and every config
 * it refused (NACK, with Envoy's reason): recorded on the status board and handed to the
 * publisher, which goes back to the last config that Envoy accepted. A state-of-the-world ACK
 * names the version it accepts; a delta ACK names only the response's nonce, so the version of
 * the last response sent on each delta stream, per type, is kept to be recorded when its nonce
 * comes back.
 */
public final class XdsCallbacks implements DiscoveryServerCallbacks {

  private static final Logger log = LoggerFactory.getLogger(XdsCallbacks.class);

  private final Set<String> knownRegions;
  private final FleetStatusBoard board;
  private final XdsPublisher publisher;
  private final ResumingDeltaWatcher deltas;
  private final LongCounter acks;
  private final LongCounter nacks;
  private final ConcurrentHashMap<String, Attributes> byType = new ConcurrentHashMap<>();
  /** Per delta stream, per type: the last response sent to it. */
  private final Map<Long, Map<String, Sent>> sentOnDelta = new ConcurrentHashMap<>();

  /** A delta response: its nonce, and the version of its type it brings the Envoy to. */
  private record Sent(String nonce, String version) {}

  /**
   * @param knownRegions regions of the catalog; an Envoy of another region gets no config
   * @param deltas told of every delta request just before its watch is created
   */
  public XdsCallbacks(Set<String> knownRegions, FleetStatusBoard board, XdsPublisher publisher, ResumingDeltaWatcher deltas) {
    this(knownRegions, board, publisher, deltas, MeterProvider.noop().get("noop"));
  }

  /**
   * As above, counting on {@code meter} {@code gantry.controlplane.xds.acks} and {@code
   * gantry.controlplane.xds.nacks} by {@code type} (clusters, routes, endpoints, listeners, secrets;
   * state-of-the-world and delta streams alike).
   */
  public XdsCallbacks(Set<String> knownRegions, FleetStatusBoard board, XdsPublisher publisher, ResumingDeltaWatcher deltas,
      Meter meter) {
    this.acks = meter.counterBuilder("gantry.controlplane.xds.acks")
        .setDescription("Configs Envoys accepted, by resource type").setUnit("{response}").build();
    this.nacks = meter.counterBuilder("gantry.controlplane.xds.nacks")
        .setDescription("Configs Envoys refused, by resource type").setUnit("{response}").build();
    // Every series an alert watches exists from the start, so that its first increase counts.
    for (String type : TYPES) {
      acks.add(0, type(type));
      nacks.add(0, type(type));
    }
    this.knownRegions = Set.copyOf(knownRegions);
    this.board = board;
    this.publisher = publisher;
    this.deltas = deltas;
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    if (request.hasNode() && board.envoy(streamId) == null) {
      String region = request.getNode().getLocality().getRegion();
      board.envoyConnected(streamId, request.getNode().getId(), region);
      log.info("envoy {} (region '{}') connected on stream {}", request.getNode().getId(), region, streamId);
      if (!knownRegions.contains(region)) {
        log.warn("envoy {} names region '{}', which is not in the catalog {}: it gets no config"
            + " (set node.locality.region in its bootstrap)", request.getNode().getId(), region, knownRegions);
      }
    }
    FleetStatusBoard.Envoy envoy = board.envoy(streamId);
    String type = ContentVersionedSnapshot.shortType(request.getTypeUrl());
    if (request.hasErrorDetail()) {
      String region = envoy == null ? request.getNode().getLocality().getRegion() : envoy.region();
      String refusedVersion = board.published(region, type);
      String reason = request.getErrorDetail().getMessage();
      board.rejected(streamId, new FleetStatusBoard.Rejection(type, refusedVersion == null ? "?" : refusedVersion, reason));
      log.warn("envoy {} refused {} version {} (keeps '{}'): {}",
          envoy == null ? "?" : envoy.nodeId(), type, refusedVersion, request.getVersionInfo(), reason);
      publisher.refused(region, type, request.getVersionInfo(), reason);
      nacks.add(1, type(type));
    } else {
      board.acked(streamId, type, request.getVersionInfo());
      if (!request.getResponseNonce().isEmpty()) {
        acks.add(1, type(type));
      }
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    deltas.onRequest(streamId);
    if (request.hasNode() && board.envoy(streamId) == null) {
      board.envoyConnected(streamId, request.getNode().getId(), request.getNode().getLocality().getRegion());
    }
    if (request.hasErrorDetail()) {
      FleetStatusBoard.Envoy envoy = board.envoy(streamId);
      String type = ContentVersionedSnapshot.shortType(request.getTypeUrl());
      board.rejected(streamId, new FleetStatusBoard.Rejection(type, "delta", request.getErrorDetail().getMessage()));
      nacks.add(1, type(type));
      log.warn("envoy {} refused {} (delta): {}", envoy == null ? "?" : envoy.nodeId(), type, request.getErrorDetail().getMessage());
    } else if (!request.getResponseNonce().isEmpty()) {
      String type = ContentVersionedSnapshot.shortType(request.getTypeUrl());
      acks.add(1, type(type));
      // The ACK of the last response sent names the version the Envoy now holds; that of an
      // earlier one is followed by the later one's.
      Sent last = sentOnDelta.getOrDefault(streamId, Map.of()).get(type);
      if (last != null && last.nonce().equals(request.getResponseNonce())) {
        board.acked(streamId, type, last.version());
      }
    }
  }

  /** Called before the response is sent: its nonce is known before the Envoy's ACK can name it. */
  @Override
  public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    if (!response.getSystemVersionInfo().isEmpty()) {
      sentOnDelta.computeIfAbsent(streamId, id -> new ConcurrentHashMap<>())
          .put(ContentVersionedSnapshot.shortType(response.getTypeUrl()), new Sent(response.getNonce(), response.getSystemVersionInfo()));
    }
  }

  /** The label of a resource type: one of the five Gantry publishes, or other (an Envoy may ask for any). */
  private Attributes type(String type) {
    String label = TYPES.contains(type) ? type : "other";
    return byType.computeIfAbsent(label, t -> Attributes.of(AttributeKey.stringKey("type"), t));
  }

  private static final Set<String> TYPES = Set.of("listeners", "routes", "clusters", "endpoints", "secrets");

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    forget(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    forget(streamId);
  }

  private void forget(long streamId) {
    deltas.onStreamClosed(streamId);
    sentOnDelta.remove(streamId);
    FleetStatusBoard.Envoy envoy = board.envoy(streamId);
    board.envoyDisconnected(streamId);
    if (envoy != null) {
      log.info("envoy {} disconnected (stream {})", envoy.nodeId(), streamId);
    }
  }
}
