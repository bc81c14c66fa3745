package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.GatewayListeners;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.BufferSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
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

  static final String INTERNAL_NAME = "gateway-internal-routes";

  /**
   * Only where no byte of the request reached a workload is a retry safe: the connection failed
   * or was refused before the request went out, or a peer gateway answered that it served
   * nothing ({@link GatewayHeaders#NOT_SERVED}: its own replicas were gone, its sidecar was down).
   */
  static final String RETRY_ON = "connect-failure,refused-stream,reset-before-request,retriable-headers";

  private GatewayRoutes() {}

  /** The public listener's table: every x-gantry-* header a client sends is dropped. */
  static RouteConfiguration publicRoutes(List<String> baseDomains, List<String> legacyHosts) {
    return of(NAME, baseDomains, legacyHosts, GatewayListeners.PUBLIC);
  }

  /**
   * The internal listener's table: the same routes, but the routing and identity headers the
   * forwarding peer set are kept for the authz-service to read.
   */
  static RouteConfiguration internalRoutes(List<String> baseDomains, List<String> legacyHosts) {
    return of(INTERNAL_NAME, baseDomains, legacyHosts, GatewayListeners.INTERNAL);
  }

  /**
   * The plaintext listener's table where HTTPS is required: every request, any host, answered
   * 308 with the https URL, path and query unchanged. Envoy writes a redirect's port as given
   * (443 too) and otherwise keeps the request's, so the HTTPS port is named unless it is 443,
   * where a request without a port (the usual :80) gets a URL without one.
   */
  static RouteConfiguration redirectToHttps(int httpsPort) {
    io.envoyproxy.envoy.config.route.v3.RedirectAction.Builder redirect =
        io.envoyproxy.envoy.config.route.v3.RedirectAction.newBuilder()
            .setHttpsRedirect(true)
            .setResponseCode(io.envoyproxy.envoy.config.route.v3.RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT);
    if (httpsPort != 443) {
      redirect.setPortRedirect(httpsPort);
    }
    return RouteConfiguration.newBuilder()
        .setName("gateway-redirect")
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("to-https")
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setName("to-https")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRedirect(redirect)))
        .build();
  }

  private static RouteConfiguration of(String name, List<String> baseDomains, List<String> legacyHosts, String listener) {
    RouteConfiguration.Builder routes =
        RouteConfiguration.newBuilder()
            .setName(name)
            // "host:10000" matches "*.run.localhost": the port never selects a virtual host.
            .setIgnorePortInHostMatching(true);
    if (listener.equals(GatewayListeners.PUBLIC)) {
      // Stripped from every request before any filter runs (see GatewayListener on why every
      // client is external); the authz-service sets them afresh.
      routes.addAllInternalOnlyHeaders(GatewayHeaders.ALL);
      // The client's own address, never what it claims: Envoy appends the address to a client's
      // x-forwarded-for, and frameworks read the leftmost entry.
      routes.addRequestHeadersToAdd(HeaderValueOption.newBuilder()
          .setHeader(HeaderValue.newBuilder().setKey("x-forwarded-for").setValue("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"))
          .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    }
    // Tells the authz-service which listener asked: only the gateway's config can set this.
    Any listenerContext = Any.pack(ExtAuthzPerRoute.newBuilder()
        .setCheckSettings(CheckSettings.newBuilder().putContextExtensions(GatewayListeners.CONTEXT_KEY, listener))
        .build());
    Route signedBody = signedBodyToAuthorizedCluster(listener);
    boolean observes = listener.equals(GatewayListeners.PUBLIC);
    for (String domain : baseDomains) {
      routes.addVirtualHosts(
          metering(observes, VirtualHost.newBuilder()
              .setName("workloads." + domain)
              .addDomains("*." + domain)
              .putTypedPerFilterConfig("envoy.filters.http.ext_authz", listenerContext), webSocketToAuthorizedCluster(),
              previewLinkUntraced(), toAuthorizedCluster())
              .addRoutes(previewLinkUntraced())
              .addRoutes(webSocketToAuthorizedCluster())
              .addRoutes(signedBody)
              .addRoutes(toAuthorizedCluster()));
    }
    // Legacy URLs, <host>/<workspace>/<agents|mcp|sandboxes>/<name>/...: the authz-service names
    // the workload; forwarding strips the prefix (here, and only here, the path changes) and
    // puts the workload's own hostname in Host, so replicas and peer gateways see an ordinary
    // request.
    if (!legacyHosts.isEmpty()) {
      routes.addVirtualHosts(
          metering(observes, VirtualHost.newBuilder()
              .setName("legacy")
              .addAllDomains(legacyHosts)
              .putTypedPerFilterConfig("envoy.filters.http.ext_authz", listenerContext),
              legacy(webSocketToAuthorizedCluster()), legacy(toAuthorizedCluster()))
              .addRoutes(legacy(webSocketToAuthorizedCluster()))
              .addRoutes(legacy(signedBody))
              .addRoutes(legacy(toAuthorizedCluster())));
    }
    // Every other host: a workspace's custom domain, or nothing (the authz-service refuses it,
    // 400 unknown-domain). No per-domain config: binding a domain changes no Envoy resource.
    routes.addVirtualHosts(
        metering(observes, VirtualHost.newBuilder()
            .setName("custom-domains")
            .addDomains("*")
            .putTypedPerFilterConfig("envoy.filters.http.ext_authz", listenerContext), webSocketToAuthorizedCluster(),
            toAuthorizedCluster())
            .addRoutes(webSocketToAuthorizedCluster())
            .addRoutes(signedBody)
            .addRoutes(toAuthorizedCluster()));
    return routes.build();
  }

  /**
   * Usage metering (public listener only: the request is metered where the client entered). The
   * ext_proc filter is off for the virtual host; a metered request — one the sidecar marked with
   * {@link GatewayHeaders#METER}, which no client can send (it is stripped on arrival) — matches
   * a route of its own, first in the host, where it is on. The route is chosen again after the
   * check (the check clears the route cache), before ext_proc looks at its per-route config, so
   * an unmetered request costs the filter one lookup. Every metered request is observed, an
   * upgrade too ({@code websocket}: the WebSocket route's actions; its usage is its requests and
   * bytes), so no header takes a request around metering. The routes are otherwise the ones given
   * ({@code routes}, in order: the WebSocket one, the preview link's untraced one, the ordinary).
   */
  private static VirtualHost.Builder metering(boolean observes, VirtualHost.Builder host, Route... routes) {
    if (!observes) {
      return host;
    }
    host.putTypedPerFilterConfig(UsageMetering.FILTER, Any.pack(ExtProcPerRoute.newBuilder().setDisabled(true).build()));
    for (Route route : routes) {
      Route.Builder metered = route.toBuilder().setName("metered-" + route.getName());
      metered.getMatchBuilder()
          .addHeaders(HeaderMatcher.newBuilder().setName(GatewayHeaders.METER).setPresentMatch(true));
      host.addRoutes(metered.putTypedPerFilterConfig(UsageMetering.FILTER, Any.pack(UsageMetering.onRoute())));
    }
    return host;
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

  /** The largest body a signed request may carry: the authz-service checks its content-digest. */
  static final int SIGNED_BODY_MAX_BYTES = 64 * 1024;

  /**
   * A signed request (RFC 9421: it carries {@code signature-input}): the only kind whose body goes
   * to the authz-service, which then sees whether there is a body at all — whatever its framing:
   * a length, chunks (whose {@code transfer-encoding} Envoy removes before the check) or HTTP/2
   * frames — and refuses one that the signature's {@code content-digest} (RFC 9530) does not
   * cover. Other requests stream their bodies untouched. Larger bodies are refused by Envoy (413).
   */
  private static Route signedBodyToAuthorizedCluster(String listener) {
    Route.Builder route = toAuthorizedCluster().toBuilder().setName("authorized-signed-body");
    route.getMatchBuilder().addHeaders(HeaderMatcher.newBuilder().setName("signature-input").setPresentMatch(true));
    return route
        .putTypedPerFilterConfig("envoy.filters.http.ext_authz", Any.pack(ExtAuthzPerRoute.newBuilder()
            .setCheckSettings(CheckSettings.newBuilder()
                .putContextExtensions(GatewayListeners.CONTEXT_KEY, listener)
                .setWithRequestBody(BufferSettings.newBuilder()
                    .setMaxRequestBytes(SIGNED_BODY_MAX_BYTES)
                    .setAllowPartialMessage(false)
                    .setPackAsBytes(true)))
            .build()))
        .build();
  }

  /** The legacy prefix {@code /<workspace>/<kind>/<name>} stripped; at least {@code /} left. */
  static final String LEGACY_PREFIX = "^/[^/]+/[^/]+/[^/]+/?(.*)$";

  private static Route legacy(Route route) {
    Route.Builder legacy = route.toBuilder().setName("legacy-" + route.getName());
    legacy.getRouteBuilder()
        .setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
            .setPattern(RegexMatcher.newBuilder().setRegex(LEGACY_PREFIX))
            .setSubstitution("/\\1"))
        .setHostRewriteHeader(GatewayHeaders.CANONICAL_HOST);
    return legacy.build();
  }

  /** The query parameter a preview link carries its token in (the authz-service trades it for a cookie). */
  static final String PREVIEW_TOKEN_PARAMETER = "gantry_preview_token";

  /**
   * A preview link, {@code ?gantry_preview_token=gp_...}: routed as any request (the
   * authz-service answers it with a redirect that sets a cookie), but never traced — Envoy's span
   * records the whole URL, query included, and the token must not reach the trace store. (A
   * client that sends its own sampled {@code traceparent} still gets its span, with its own token.)
   */
  private static Route previewLinkUntraced() {
    Route.Builder route = toAuthorizedCluster().toBuilder().setName("preview-link");
    route.getMatchBuilder().addQueryParameters(io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher.newBuilder()
        .setName(PREVIEW_TOKEN_PARAMETER).setPresentMatch(true));
    io.envoyproxy.envoy.type.v3.FractionalPercent never = io.envoyproxy.envoy.type.v3.FractionalPercent.newBuilder()
        .setNumerator(0).build();
    return route.setTracing(io.envoyproxy.envoy.config.route.v3.Tracing.newBuilder()
        .setClientSampling(never).setRandomSampling(never).setOverallSampling(never)).build();
  }

  /** Base64 of 16 bytes, as RFC 6455 requires of a key. */
  private static final String WEBSOCKET_KEY = "R2FudHJ5V1Mvb3ZlckgyIQ==";

  private static Route toAuthorizedCluster() {
    return Route.newBuilder()
        .setName("authorized")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        // Routing information stays inside the gateway; identity headers go on to the workload.
        .addRequestHeadersToRemove(GatewayHeaders.CLUSTER)
        .addRequestHeadersToRemove(GatewayHeaders.METER)
        // Only a gateway's own local reply may say "not served here" (the internal listener adds
        // it after this); a workload's answer never can, so nothing it answered is replayed.
        .addResponseHeadersToRemove(GatewayHeaders.NOT_SERVED)
        .setRoute(
            RouteAction.newBuilder()
                .setClusterHeader(GatewayHeaders.CLUSTER)
                // The affinity key, when the sidecar set one: only clusters of workloads that
                // asked for affinity hash (Maglev); the others ignore it.
                .addHashPolicy(RouteAction.HashPolicy.newBuilder()
                    .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(GatewayHeaders.AFFINITY)))
                // Admitted, but the cluster is not (yet) known to this Envoy: a temporary state.
                .setClusterNotFoundResponseCode(RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE)
                // No route timeout: agent calls wait minutes (Envoy's default would cut at 15 s).
                .setTimeout(EnvoyValues.seconds(0))
                .setRetryPolicy(
                    RetryPolicy.newBuilder()
                        .setRetryOn(RETRY_ON)
                        .addRetriableHeaders(HeaderMatcher.newBuilder()
                            .setName(GatewayHeaders.NOT_SERVED)
                            .setPresentMatch(true))
                        // A request in an MCP session is never retried: Envoy's router drops the
                        // session's host on a retry (the override host holds for the first attempt
                        // only), so a retry would silently reach another replica. The session's
                        // replica refusing the connection is the session gone (GatewayLocalReplies).
                        .addRetriableRequestHeaders(HeaderMatcher.newBuilder()
                            .setName(McpSessions.HEADER)
                            .setPresentMatch(true)
                            .setInvertMatch(true))
                        .setNumRetries(UInt32Value.of(2))
                        .addRetryHostPredicate(
                            RetryPolicy.RetryHostPredicate.newBuilder()
                                .setName("envoy.retry_host_predicates.previous_hosts")
                                .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                        // A retry leaves the priority that failed: local replicas that refuse
                        // connections send the retry to the next region's gateway.
                        .setRetryPriority(
                            RetryPolicy.RetryPriority.newBuilder()
                                .setName("envoy.retry_priorities.previous_priorities")
                                .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(1).build())))
                        .setHostSelectionRetryMaxAttempts(3)))
        .build();
  }
}
