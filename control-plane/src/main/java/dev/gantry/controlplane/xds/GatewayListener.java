package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.GatewayListeners;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;

/**
 * The gateway's two listeners: the public one clients reach, and the internal one peer gateways
 * forward to (see {@link GatewayListeners}). They depend only on the gateway site, never on
 * workloads, so they stay byte-identical while workloads change: Envoy drains and re-creates
 * connections when a listener changes, and long-lived streams must survive config pushes
 * (docs/architecture.md, "Envoy and library behaviour we rely on").
 *
 * <p>Both append the gateway's token to {@code Via} before any filter runs, so the
 * authz-service recognises a request that comes round to the same gateway again (a loop made
 * by a misconfiguration) and refuses it.
 */
final class GatewayListener {

  static final String NAME = "gateway";

  static final String INTERNAL_NAME = "gateway-internal";

  /**
   * How long one authorization decision may take before Envoy gives up (and answers 503
   * authz-unavailable, with Retry-After). A decision takes microseconds; what takes long is a
   * burst: thousands of new connections at once queue in Envoy and the sidecar, and a check
   * answered after the timeout was work for nothing. At 1 s a warm gateway refused 2,488 of
   * 8,000 SSE streams opened at once, and a just-started sidecar 880 of 2,000 requests; at 5 s
   * every one was served, the last after 2.4 s (bench/README.md, "Bursts"). The price: a sidecar
   * that hangs (not one that is down: a refused connection fails at once) holds a request 5 s.
   */
  static final long AUTHZ_TIMEOUT_MS = 5000;

  /** Idle streams are cut after this: long enough for an LLM that thinks before it answers. */
  static final long STREAM_IDLE_TIMEOUT_S = 3600;

  /**
   * The most request-header bytes a client may send (Envoy's default is 60 KiB). Workloads must
   * accept this plus the few hundred bytes of identity headers the gateway adds (envoy/README.md),
   * so a large client header can never push those past a workload's limit.
   */
  static final int MAX_REQUEST_HEADERS_KB = 32;

  /**
   * The same limit on the internal listener: a client's 32 KiB plus what the entry gateway added
   * (identity headers, via, x-forwarded-for, Envoy's own), so a request the entry gateway took is
   * never refused by the peer it forwards to.
   */
  static final int PEER_MAX_REQUEST_HEADERS_KB = MAX_REQUEST_HEADERS_KB + 8;

  /** A client has this long to send its request headers; a connection that dribbles them is closed. */
  static final long REQUEST_HEADERS_TIMEOUT_S = 10;

  /**
   * Streams one client connection may have open at once: and so upstream connections it can cause.
   * Public listener only: a peer gateway's connection carries many clients' streams (each client
   * already bounded where it entered), so the internal listener keeps Envoy's default.
   */
  static final int MAX_CONCURRENT_STREAMS = 100;

  private GatewayListener() {}

  /**
   * The public plaintext listener, serving: every client, every x-gantry-* header stripped, by
   * {@code connectionManager} ({@link #publicConnectionManager}, shared with the HTTPS chains).
   */
  static Listener publicListener(GatewaySite site, Filter connectionManager) {
    return listener(NAME, site.gateway(), connectionManager, null);
  }

  /**
   * The public plaintext listener where HTTPS is required: every request answered 308 with the
   * same URL on the HTTPS listener (path and query unchanged). Nothing is authorized or
   * forwarded: the redirect reveals nothing, and a credential sent in plaintext is already lost
   * to whoever watched (the client must not send it again over plaintext).
   */
  static Listener redirectListener(GatewaySite site) {
    HttpConnectionManager hcm = connectionManager(NAME, site.region(), GatewayLocalReplies.forPublic(),
        MAX_REQUEST_HEADERS_KB, MAX_CONCURRENT_STREAMS)
        .setRouteConfig(GatewayRoutes.redirectToHttps(site.https().port()))
        .addHttpFilters(router())
        .build();
    return listener(NAME, site.gateway(), filter(hcm), null);
  }

  /**
   * The public listeners' connection manager: the same for plaintext and for each HTTPS filter
   * chain, so authorization and routing never depend on the transport.
   */
  static Filter publicConnectionManager(GatewaySite site, GatewayTracing tracing) {
    return filter(traced(connectionManager(NAME, site.region(), GatewayLocalReplies.forPublic(),
        MAX_REQUEST_HEADERS_KB, MAX_CONCURRENT_STREAMS), tracing, site.region())
        .setRds(Rds.newBuilder().setRouteConfigName(GatewayRoutes.NAME).setConfigSource(EnvoyValues.ads()))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName("envoy.filters.http.ext_authz")
            .setTypedConfig(Any.pack(extAuthz())))
        .addHttpFilters(UsageMetering.filter())
        .addHttpFilters(McpSessions.filter())
        .addHttpFilters(router())
        .build());
  }

  /**
   * The internal listener: peer gateways only, proven by mutual TLS ({@link GatewayTls}): a
   * connection without a gateway's client certificate never gets past the handshake.
   */
  static Listener internalListener(GatewaySite site, GatewayTracing tracing) {
    HttpConnectionManager hcm = traced(connectionManager(INTERNAL_NAME, site.region(), GatewayLocalReplies.forInternal(),
        PEER_MAX_REQUEST_HEADERS_KB, 0), tracing, site.region())
        .setRds(Rds.newBuilder().setRouteConfigName(GatewayRoutes.INTERNAL_NAME).setConfigSource(EnvoyValues.ads()))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName("envoy.filters.http.ext_authz")
            .setTypedConfig(Any.pack(extAuthz())))
        .addHttpFilters(McpSessions.filter())
        .addHttpFilters(router())
        .build();
    return listener(INTERNAL_NAME, site.internal(), filter(hcm), GatewayTls.peersOnly());
  }

  /** The connection manager with Envoy's tracer, when the gateways trace ({@code tracing} not null). */
  private static HttpConnectionManager.Builder traced(HttpConnectionManager.Builder hcm, GatewayTracing tracing, String region) {
    return tracing == null ? hcm : hcm.setTracing(tracing.connectionManager(region));
  }

  private static HttpFilter router() {
    return HttpFilter.newBuilder()
        .setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance()))
        .build();
  }

  private static Filter filter(HttpConnectionManager hcm) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm))
        .build();
  }

  /** Everything of a connection manager but its routes and HTTP filters. */
  private static HttpConnectionManager.Builder connectionManager(
      String name, String region, LocalReplyConfig localReplies, int maxRequestHeadersKb, int maxConcurrentStreams) {
    Http2ProtocolOptions.Builder http2 = Http2ProtocolOptions.newBuilder().setAllowConnect(true);
    if (maxConcurrentStreams > 0) {
      http2.setMaxConcurrentStreams(UInt32Value.of(maxConcurrentStreams));
    }
    return HttpConnectionManager.newBuilder()
            .setStatPrefix(name)
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setVia(GatewayListeners.viaToken(region))
            .setUseRemoteAddress(BoolValue.of(true))
            // No client counts as internal, loopback included (docs/architecture.md, "The request path": address-based trust
            // means nothing on loopback): Envoy strips internal_only_headers from every request.
            // An empty config is not enough; Envoy then falls back to RFC 1918 and loopback, so
            // name only the unspecified addresses, which no peer ever has.
            .setInternalAddressConfig(
                HttpConnectionManager.InternalAddressConfig.newBuilder()
                    .addCidrRanges(CidrRange.newBuilder().setAddressPrefix("0.0.0.0").setPrefixLen(UInt32Value.of(32)))
                    .addCidrRanges(CidrRange.newBuilder().setAddressPrefix("::").setPrefixLen(UInt32Value.of(128))))
            .setStreamIdleTimeout(EnvoyValues.seconds(STREAM_IDLE_TIMEOUT_S))
            .setRequestHeadersTimeout(EnvoyValues.seconds(REQUEST_HEADERS_TIMEOUT_S))
            // No request_timeout: a client-streaming call (gRPC, an MCP upload) may send for longer
            // than any fixed bound before its answer starts, and no default may cut a long call.
            .setMaxRequestHeadersKb(UInt32Value.of(maxRequestHeadersKb))
            // A header name with "_" is refused (400): CGI-style frameworks read x_gantry_workspace
            // as X-Gantry-Workspace, which the gateway's stripping of "-" names would not catch.
            .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                .setHeadersWithUnderscoresAction(
                    io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction.REJECT_REQUEST))
            // "host." and "host" are the same name (docs/architecture.md, "Hostnames"); the path is never touched.
            .setStripTrailingHostDot(true)
            .setLocalReplyConfig(localReplies)
            .addAccessLog(GatewayAccessLog.of())
            // WebSocket over HTTP/1.1 (Upgrade) and over HTTP/2 (extended CONNECT, RFC 8441);
            // Envoy turns the latter into an HTTP/1.1 upgrade towards the workload.
            .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
            .setHttp2ProtocolOptions(http2);
  }

  private static Listener listener(
      String name, HostPort address, Filter connectionManager, io.envoyproxy.envoy.config.core.v3.TransportSocket transport) {
    FilterChain.Builder chain = FilterChain.newBuilder().addFilters(connectionManager);
    if (transport != null) {
      chain.setTransportSocket(transport);
    }
    return Listener.newBuilder()
        .setName(name)
        .setAddress(EnvoyValues.address(address))
        .addFilterChains(chain)
        .build();
  }

  /**
   * Every request asks the local authz-service. Fail closed: an unreachable or failing service
   * is an error (503), never an allow; a deny carries the service's own status and body.
   */
  private static ExtAuthz extAuthz() {
    return ExtAuthz.newBuilder()
        .setGrpcService(
            GrpcService.newBuilder()
                .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(ClusterNames.AUTHZ))
                .setTimeout(EnvoyValues.millis(AUTHZ_TIMEOUT_MS)))
        .setTransportApiVersion(ApiVersion.V3)
        .setFailureModeAllow(false)
        .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable))
        // The answer names the cluster in a header: the route is matched again after it.
        .setClearRouteCache(true)
        .build();
  }
}
