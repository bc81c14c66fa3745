package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.List;

/** The gateway's clusters: its authz-service, and each workload's replicas in its region. */
final class GatewayClusters {

  private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  /**
   * Envoy's default circuit breakers stop at 1,024 connections/requests per cluster, far below
   * what a gateway of long-lived agent streams holds (DESIGN.md §8).
   */
  private static final int CIRCUIT_LIMIT = 100_000;

  private GatewayClusters() {}

  /** The local authz-service, over HTTP/2 with keepalive; static: it never moves. */
  static Cluster authz(GatewaySite site) {
    HttpProtocolOptions http2 =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(
                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(http2WithKeepalive()))
            .build();
    return Cluster.newBuilder()
        .setName(ClusterNames.AUTHZ)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(EnvoyValues.millis(250))
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(http2))
        .setCircuitBreakers(circuitBreakers())
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder()
                .setClusterName(ClusterNames.AUTHZ)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint(site.authz()))))
        .build();
  }

  /**
   * A workload's replicas in one region; its endpoints come by EDS. The workload's stream limit
   * is the cluster's {@code max_stream_duration}: the route is shared by every workload, the
   * cluster is the workload's own.
   */
  static Cluster workload(String name, Workload workload) {
    HttpProtocolOptions.ExplicitHttpConfig.Builder protocol = HttpProtocolOptions.ExplicitHttpConfig.newBuilder();
    switch (workload.protocol()) {
      case HTTP1 -> protocol.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
      case HTTP2 -> protocol.setHttp2ProtocolOptions(http2WithKeepalive());
    }
    HttpProtocolOptions options =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(protocol)
            .setCommonHttpProtocolOptions(
                io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                    .setMaxStreamDuration(EnvoyValues.seconds(workload.maxStreamDuration().toSeconds())))
            .build();
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder().setEdsConfig(EnvoyValues.ads()).setServiceName(name))
        .setConnectTimeout(EnvoyValues.seconds(1))
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(options))
        .setCircuitBreakers(circuitBreakers())
        // No panic routing: with the default (50 %), Envoy spreads load over unhealthy hosts
        // once half are down.
        .setCommonLbConfig(
            Cluster.CommonLbConfig.newBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(0)))
        // Eject a replica that fails at the connection level; a workload's own 5xx answers are
        // its business, not a sign the replica is gone.
        .setOutlierDetection(
            OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(5))
                .setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setConsecutiveGatewayFailure(UInt32Value.of(5))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100)))
        .build();
  }

  /** The replicas of one workload cluster, all in {@code region}. */
  static ClusterLoadAssignment endpoints(String cluster, String region, List<Replica> replicas) {
    LocalityLbEndpoints.Builder locality =
        LocalityLbEndpoints.newBuilder().setLocality(Locality.newBuilder().setRegion(region));
    replicas.forEach(r -> locality.addLbEndpoints(endpoint(r.address())));
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  private static LbEndpoint endpoint(HostPort address) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(EnvoyValues.address(address)))
        .build();
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
