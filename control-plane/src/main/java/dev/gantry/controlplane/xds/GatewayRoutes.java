package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.gantry.routing.GatewayHeaders;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.util.List;

/**
 * The gateway's route table: one wildcard virtual host per base domain, whatever the number of
 * workloads (RDS always sends the whole table). The authz-service names the cluster in {@link
 * GatewayHeaders#CLUSTER}; the route sends the request there.
 */
final class GatewayRoutes {

  static final String NAME = "gateway-routes";

  /** Only where no byte of the request reached a workload is a retry safe. */
  static final String RETRY_ON = "connect-failure,refused-stream,reset-before-request";

  private GatewayRoutes() {}

  static RouteConfiguration of(List<String> baseDomains) {
    RouteConfiguration.Builder routes =
        RouteConfiguration.newBuilder()
            .setName(NAME)
            // Stripped from every request before any filter runs (see GatewayListener on why
            // every client is external); the authz-service sets them afresh.
            .addAllInternalOnlyHeaders(GatewayHeaders.ALL)
            // "host:10000" matches "*.run.localhost": the port never selects a virtual host.
            .setIgnorePortInHostMatching(true);
    for (String domain : baseDomains) {
      routes.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName("workloads." + domain)
              .addDomains("*." + domain)
              .addRoutes(webSocketToAuthorizedCluster())
              .addRoutes(toAuthorizedCluster()));
    }
    // ext_authz refuses every other host first (unknown-domain); this is the backstop.
    routes.addVirtualHosts(
        VirtualHost.newBuilder()
            .setName("unknown-domain")
            .addDomains("*")
            .addRoutes(
                Route.newBuilder()
                    .setName("unknown-domain")
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setDirectResponse(
                        DirectResponseAction.newBuilder()
                            .setStatus(400)
                            .setBody(DataSource.newBuilder().setInlineString(
                                "{\"error\":\"host is not under a Gantry base domain\",\"reason\":\"unknown-domain\"}\n")))));
    return routes.build();
  }

  /**
   * A WebSocket over HTTP/2 (RFC 8441 extended CONNECT) carries no {@code Sec-WebSocket-Key};
   * Envoy turns it into an HTTP/1.1 upgrade towards the workload without adding one, and
   * WebSocket servers refuse a handshake without it (seen with Envoy 1.36 and Netty: 400
   * "missing key"). The key is a nonce for the handshake only — the HTTP/2 client never sees
   * the answer to it — so the gateway adds a fixed one where the request has none.
   */
  private static Route webSocketToAuthorizedCluster() {
    Route.Builder route = toAuthorizedCluster().toBuilder().setName("authorized-websocket");
    route.getMatchBuilder()
        .addHeaders(HeaderMatcher.newBuilder()
            .setName("upgrade")
            .setStringMatch(StringMatcher.newBuilder().setExact("websocket").setIgnoreCase(true)));
    return route
        .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("sec-websocket-key").setValue(WEBSOCKET_KEY))
            .setAppendAction(HeaderValueOption.HeaderAppendAction.ADD_IF_ABSENT))
        .build();
  }

  /** Base64 of 16 bytes, as RFC 6455 requires of a key. */
  private static final String WEBSOCKET_KEY = "R2FudHJ5V1Mvb3ZlckgyIQ==";

  private static Route toAuthorizedCluster() {
    return Route.newBuilder()
        .setName("authorized")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        // Routing information stays inside the gateway; identity headers go on to the workload.
        .addRequestHeadersToRemove(GatewayHeaders.CLUSTER)
        .setRoute(
            RouteAction.newBuilder()
                .setClusterHeader(GatewayHeaders.CLUSTER)
                // Admitted, but the cluster is not (yet) known to this Envoy: a temporary state.
                .setClusterNotFoundResponseCode(RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE)
                // No route timeout: agent calls wait minutes (Envoy's default would cut at 15 s).
                .setTimeout(EnvoyValues.seconds(0))
                .setRetryPolicy(
                    RetryPolicy.newBuilder()
                        .setRetryOn(RETRY_ON)
                        .setNumRetries(UInt32Value.of(2))
                        .addRetryHostPredicate(
                            RetryPolicy.RetryHostPredicate.newBuilder()
                                .setName("envoy.retry_host_predicates.previous_hosts")
                                .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                        .setHostSelectionRetryMaxAttempts(3)))
        .build();
  }
}
