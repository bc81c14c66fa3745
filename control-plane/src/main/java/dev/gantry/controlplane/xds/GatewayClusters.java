package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.List;

/**
 * The gateway's clusters: its authz-service, and for each workload one cluster per target region
 * set a hostname can produce ({@link dev.gantry.routing.ClusterNames}). A set's cluster has one
 * priority per region, nearest first: the local replicas when the region is this gateway's own,
 * else that region's gateway (its internal listener). Envoy moves traffic to the next priority
 * when one has no healthy host left; outlier detection and the route's retries (which leave the
 * priority that failed) do the rest.
 */
final class GatewayClusters {

  private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  /**
   * Envoy's default circuit breakers stop at 1,024 connections/requests per cluster, far below
   * what a gateway of long-lived agent streams holds (docs/architecture.md, "Envoy and library behaviour we rely on").
   */
  private static final int CIRCUIT_LIMIT = 100_000;

  /** Streams Envoy opens on one HTTP/2 connection to a workload (see {@link #workload}). */
  static final int WORKLOAD_STREAMS_PER_CONNECTION = 100;

  /*
   * What workloads' clusters have in common, built once: a cold build makes one cluster per
   * workload and target set (100,000s), each pointing at these.
   */
  private static final ConfigSource ADS = EnvoyValues.ads();
  private static final Duration WORKLOAD_CONNECT_TIMEOUT = EnvoyValues.seconds(1);
  private static final CircuitBreakers CIRCUIT_BREAKERS = circuitBreakers();
  private static final OutlierDetection OUTLIER_DETECTION = outlierDetection();
  // No panic routing: with the default (50 %), Envoy spreads load over unhealthy hosts once half are down.
  private static final Cluster.CommonLbConfig NO_PANIC =
      Cluster.CommonLbConfig.newBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(0)).build();

  /** How many values each of the shared parts below keeps at most. */
  private static final int KEPT = 1_000;

  /** Workloads' protocol options packed, by {@link Wire}: at most {@link #KEPT} kept. */
  private static final BoundedMemo<Wire, Any> PROTOCOL_OPTIONS = new BoundedMemo<>(KEPT, Wire::options);

  private static final HttpProtocolOptions.ExplicitHttpConfig HTTP1 = HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
      .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
      .build();

  // At most 100 streams per connection to a workload, more connections beyond: a server
  // announces its limit only in its first SETTINGS, and streams Envoy opens before those
  // arrive, above that limit, are refused and take the connection down (seen: 20,000 SSE
  // streams, 100 per client connection, to a Netty server announcing 100: 19,100 refused,
  // connections terminated, the replica ejected). RFC 9113 (6.5.2) recommends servers allow
  // at least 100.
  private static final HttpProtocolOptions.ExplicitHttpConfig HTTP2_TO_WORKLOAD = HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
      .setHttp2ProtocolOptions(
          http2WithKeepalive().toBuilder().setMaxConcurrentStreams(UInt32Value.of(WORKLOAD_STREAMS_PER_CONNECTION)))
      .build();

  /**
   * Built once each: every workload's cluster names a region's locality, and all but the
   * workloads of one region name its gateway as a peer (a cold build: 100,000s of endpoints).
   * As many as the catalog's regions and their gateways, twice; at most {@link #KEPT} of each
   * (a JVM that runs control planes of many catalogs, a test suite, builds the rest each time).
   */
  private static final BoundedMemo<String, Locality> LOCALITIES =
      new BoundedMemo<>(KEPT, r -> Locality.newBuilder().setRegion(r).build());
  private static final BoundedMemo<PeerEndpoint, LbEndpoint> PEER_ENDPOINTS =
      new BoundedMemo<>(KEPT, PeerEndpoint::build);

  private GatewayClusters() {}

  /**
   * The local authz-service, over HTTP/2 with keepalive; static: it never moves. By default a
   * Unix socket in the Envoy's working directory: nothing on the network reaches it.
   *
   * <p>Its connect timeout is the Check's own (5 s): a local socket connects at once or is
   * refused at once, so a connect still pending means only that Envoy's worker is too busy to see
   * it complete — and when a connect times out, Envoy fails every Check waiting for that
   * connection (seen: a burst of 8,000 new streams on a loaded host, two connects timing out at
   * 250 ms, 5,199 Checks answered 503 within 2.3 s).
   */
  static Cluster authz(GatewaySite site) {
    return Cluster.newBuilder()
        .setName(ClusterNames.AUTHZ)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(EnvoyValues.millis(GatewayListener.AUTHZ_TIMEOUT_MS))
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, http2(http2WithKeepalive()))
        .setCircuitBreakers(circuitBreakers())
        .setLoadAssignment(oneEndpoint(ClusterNames.AUTHZ, sidecar(site.authz())))
        .build();
  }

  /**
   * The trace collector, over HTTP/2 through {@code tls}: an address as given, a host name
   * resolved by Envoy (a STATIC cluster takes IP addresses only, and a config Envoy refuses
   * would hold back every later push).
   */
  static Cluster traceCollector(String name, HostPort collector, io.envoyproxy.envoy.config.core.v3.TransportSocket tls) {
    boolean ip = collector.host().matches("[0-9.]+") || collector.host().contains(":");
    return Cluster.newBuilder()
        .setName(name)
        .setType(ip ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(EnvoyValues.millis(1000))
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, http2(Http2ProtocolOptions.getDefaultInstance()))
        .setTransportSocket(tls)
        .setLoadAssignment(oneEndpoint(name, EnvoyValues.address(collector)))
        .build();
  }

  private static Any http2(Http2ProtocolOptions options) {
    return Any.pack(HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder().setHttp2ProtocolOptions(options))
        .build());
  }

  private static ClusterLoadAssignment oneEndpoint(String cluster, io.envoyproxy.envoy.config.core.v3.Address address) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(address))))
        .build();
  }

  /**
   * A workload's replicas in one region; its endpoints come by EDS. The workload's stream limit
   * is the cluster's {@code max_stream_duration}: the route is shared by every workload, the
   * cluster is the workload's own.
   */
  static Cluster workload(String name, Workload workload) {
    return workload(name, workload, workload.protocol());
  }

  /**
   * A preview port of a sandbox ({@code 3000--sbx-box-demo@eu-par-1}): the sandbox's cluster
   * settings, spoken in HTTP/1.1 (a dev server's; WebSocket upgrades included).
   */
  static Cluster preview(String name, Workload sandbox) {
    return workload(name, sandbox, dev.gantry.controlplane.model.Protocol.HTTP1);
  }

  private static Cluster workload(String name, Workload workload, dev.gantry.controlplane.model.Protocol wire) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name))
        // A workload that asked for affinity: Maglev hashes the route's affinity key (the value of
        // the header or cookie it named, which the sidecar copied), so a replica joining or leaving
        // moves only its own share of the keys; every other workload is balanced round robin.
        .setLbPolicy(workload.affinity() == null ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.MAGLEV)
        .setConnectTimeout(WORKLOAD_CONNECT_TIMEOUT)
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, new Wire(wire, workload.maxStreamDuration().toSeconds()).packed())
        .setCircuitBreakers(CIRCUIT_BREAKERS)
        .setCommonLbConfig(NO_PANIC)
        .setOutlierDetection(OUTLIER_DETECTION)
        // Peer gateways' endpoints are marked: to them, mutual TLS; to replicas, plain.
        .addTransportSocketMatches(GatewayTls.TO_PEERS)
        .build();
  }

  /**
   * A workload's protocol options, packed once per protocol and stream limit (a fleet has a few
   * of each; past {@link #KEPT}, packed each time).
   */
  private record Wire(dev.gantry.controlplane.model.Protocol protocol, long maxStreamSeconds) {
    Any packed() {
      return PROTOCOL_OPTIONS.get(this);
    }

    Any options() {
      return Any.pack(HttpProtocolOptions.newBuilder()
          .setExplicitHttpConfig(protocol == dev.gantry.controlplane.model.Protocol.HTTP1 ? HTTP1 : HTTP2_TO_WORKLOAD)
          .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
              .setMaxStreamDuration(EnvoyValues.seconds(maxStreamSeconds)))
          .build());
    }
  }

  /**
   * Ejects a host that fails at the connection level (refused, reset: twice in a row): a replica
   * or a peer gateway that is gone. Nothing a client sends can do that: answers are never counted
   * (a 503 of a peer whose sidecar refused or failed one request, a workload's own 500s), so a
   * stream of malformed requests cannot eject a peer gateway and take a route's failover down.
   * Ejections are short, so a replica or region that recovers gets traffic back within seconds;
   * every host may be ejected, so a priority whose hosts all fail hands its traffic to the next.
   */
  private static OutlierDetection outlierDetection() {
    return OutlierDetection.newBuilder()
        .setSplitExternalLocalOriginErrors(true)
        .setConsecutiveLocalOriginFailure(UInt32Value.of(2))
        .setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(100))
        .setConsecutive5Xx(UInt32Value.of(5))
        .setEnforcingConsecutive5Xx(UInt32Value.of(0))
        .setConsecutiveGatewayFailure(UInt32Value.of(5))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(0))
        .setEnforcingSuccessRate(UInt32Value.of(0))
        .setInterval(EnvoyValues.seconds(1))
        .setBaseEjectionTime(EnvoyValues.seconds(3))
        .setMaxEjectionTime(EnvoyValues.seconds(30))
        .setMaxEjectionPercent(UInt32Value.of(100))
        .build();
  }

  /**
   * One priority of a region-set cluster.
   *
   * @param region the region it serves from
   * @param addresses the local replicas, or the region's gateway
   * @param healthy false for a peer gateway whose region has no replica of the workload: the
   *     control plane knows it cannot serve, so Envoy skips it without trying
   * @param peer the addresses are a peer gateway's internal listener (reached over mutual TLS)
   */
  record Tier(String region, List<HostPort> addresses, boolean healthy, boolean peer) {}

  /** The endpoints of a region-set cluster, one priority per tier that has any, in order. */
  static ClusterLoadAssignment endpoints(String cluster, List<Tier> tiers) {
    ClusterLoadAssignment.Builder assignment = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
    int priority = 0;
    for (Tier tier : tiers) {
      if (tier.addresses().isEmpty()) {
        continue;
      }
      LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
          .setLocality(LOCALITIES.get(tier.region()))
          .setPriority(priority++);
      for (HostPort address : tier.addresses()) {
        locality.addLbEndpoints(tier.peer()
            ? PEER_ENDPOINTS.get(new PeerEndpoint(address, tier.healthy()))
            : endpoint(address, tier.healthy()));
      }
      assignment.addEndpoints(locality);
    }
    return assignment.build();
  }

  /** A peer gateway's endpoint, healthy or not. */
  private record PeerEndpoint(HostPort address, boolean healthy) {
    LbEndpoint build() {
      return endpoint(address, healthy).toBuilder().setMetadata(GatewayTls.PEER_ENDPOINT).build();
    }
  }

  private static io.envoyproxy.envoy.config.core.v3.Address sidecar(dev.gantry.routing.SidecarAddress address) {
    return switch (address) {
      case dev.gantry.routing.SidecarAddress.Unix unix -> io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
          .setPipe(io.envoyproxy.envoy.config.core.v3.Pipe.newBuilder().setPath(unix.path())).build();
      case dev.gantry.routing.SidecarAddress.Tcp tcp -> EnvoyValues.address(tcp.address());
    };
  }

  private static LbEndpoint endpoint(HostPort address, boolean healthy) {
    LbEndpoint.Builder endpoint = LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(EnvoyValues.address(address)));
    if (!healthy) {
      endpoint.setHealthStatus(HealthStatus.UNHEALTHY);
    }
    return endpoint.build();
  }

  /** HTTP/2 that pings an idle connection, so a dead peer is noticed without traffic. */
  private static Http2ProtocolOptions http2WithKeepalive() {
    return Http2ProtocolOptions.newBuilder()
        .setConnectionKeepalive(
            KeepaliveSettings.newBuilder().setInterval(EnvoyValues.seconds(30)).setTimeout(EnvoyValues.seconds(5)))
        .build();
  }

  private static CircuitBreakers circuitBreakers() {
    return CircuitBreakers.newBuilder()
        .addThresholds(
            CircuitBreakers.Thresholds.newBuilder()
                .setMaxConnections(UInt32Value.of(CIRCUIT_LIMIT))
                .setMaxPendingRequests(UInt32Value.of(CIRCUIT_LIMIT))
                .setMaxRequests(UInt32Value.of(CIRCUIT_LIMIT))
                .setMaxRetries(UInt32Value.of(1_000)))
        .build();
  }
}
