package dev.gantry.controlplane.xds;

import dev.gantry.routing.GatewayHeaders;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.AndFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.HeaderFilter;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;

/**
 * The gateway's own refusals get the same JSON shape as the authz-service's denies
 * ({@code {"error": ..., "reason": ...}}), so a client can read a reason. Only Envoy's own
 * replies are rewritten; a deny from the authz-service keeps its body.
 *
 * <p>Not covered: bytes that are not HTTP at all (a non-ASCII Host over HTTP/1.1) are refused
 * by Envoy's HTTP/1 codec with its own plain-text 400 before the connection manager, and so
 * before this config, sees a request (checked with Envoy 1.36; GatewayRoutingIT).
 */
final class GatewayLocalReplies {

  /** Seconds a client refused with authz-unavailable is asked to wait ({@code Retry-After}). */
  static final int AUTHZ_RETRY_AFTER_S = 1;

  private GatewayLocalReplies() {}

  /**
   * The public listener's local replies: JSON bodies for the client.
   */
  static LocalReplyConfig forPublic() {
    return of(false);
  }

  /**
   * The internal listener's: the same, plus {@link GatewayHeaders#NOT_SERVED} on each, telling
   * the forwarding gateway that nothing reached a workload here, so it may try the next region.
   */
  static LocalReplyConfig forInternal() {
    return of(true);
  }

  private static LocalReplyConfig of(boolean internal) {
    return LocalReplyConfig.newBuilder()
        // ext_authz failed (service down, timeout, error): status_on_error 503 with flag UAEX.
        // A deny also carries UAEX, but never with 503: the authz-service does not deny with it.
        // Never marked not-served: the peer has replicas, and a request that made its sidecar
        // fail must not make the forwarding gateway retry elsewhere (or count it against the peer).
        // Retryable, and said so: nothing was forwarded, so a client may send it again, after
        // Retry-After (a burst that outran the sidecar, a sidecar restarting).
        .addMappers(
            notServed(false)
                .setFilter(
                    AccessLogFilter.newBuilder()
                        .setAndFilter(
                            AndFilter.newBuilder().addFilters(flag("UAEX")).addFilters(status(503))))
                .addHeadersToAdd(header("retry-after", String.valueOf(AUTHZ_RETRY_AFTER_S)))
                .setBodyFormatOverride(json("the authorization service is unavailable; nothing was forwarded; retry after "
                    + AUTHZ_RETRY_AFTER_S + " s", "authz-unavailable")))
        // An MCP session whose replica is gone (McpSessions: strict, so no other replica takes
        // it): 404, MCP's answer for a session the server no longer holds, so the client starts
        // a new one. Gone is either no longer in the cluster (UH) or still registered but
        // refusing connections (UF: a session is never retried elsewhere, GatewayRoutes). Never
        // marked not-served: no other region may take the session either. The filter has
        // restored the server's value by now (the envelope is off), so any session header
        // counts: with no healthy host at all, that session is gone just the same.
        .addMappers(
            ResponseMapper.newBuilder()
                .setFilter(AccessLogFilter.newBuilder().setAndFilter(AndFilter.newBuilder()
                    .addFilters(AccessLogFilter.newBuilder().setResponseFlagFilter(ResponseFlagFilter.newBuilder()
                        .addFlags("UH").addFlags("UF")))
                    .addFilters(AccessLogFilter.newBuilder().setHeaderFilter(HeaderFilter.newBuilder()
                        .setHeader(HeaderMatcher.newBuilder().setName(McpSessions.HEADER).setPresentMatch(true))))))
                .setStatusCode(UInt32Value.of(404))
                .setBodyFormatOverride(json(
                    "the replica that held this MCP session is gone; start a new session (a request without Mcp-Session-Id)",
                    "session-gone")))
        // Admitted, but no region of the target set has a healthy replica or gateway now (every
        // allowed region down): never served from outside the set, so nothing to fail over to.
        .addMappers(
            notServed(internal)
                .setFilter(flag("UH"))
                .setBodyFormatOverride(json(
                    "no healthy replica in any region this request may be served from; try again later",
                    "no-healthy-upstream")))
        // Every attempt failed to connect (retries included).
        .addMappers(
            notServed(internal)
                .setFilter(flag("UF"))
                .setBodyFormatOverride(json("the workload could not be reached; try again later", "upstream-unreachable")))
        // The workload's connection closed after the request went out: it may have reached the
        // workload, so it is not retried (docs/architecture.md, "Envoy and library behaviour we rely on").
        .addMappers(
            notServed(false)
                .setFilter(flag("UC"))
                .setBodyFormatOverride(json(
                    "the workload's connection closed before it answered; not retried, as the request may have reached it",
                    "upstream-reset")))
        // Admitted to a cluster this Envoy does not have yet (a config push in flight).
        .addMappers(
            notServed(internal)
                .setFilter(flag("NC"))
                .setBodyFormatOverride(json("the gateway is not ready for this workload yet; try again", "route-not-ready")))
        .build();
  }

  private static AccessLogFilter flag(String flag) {
    return AccessLogFilter.newBuilder()
        .setResponseFlagFilter(ResponseFlagFilter.newBuilder().addFlags(flag))
        .build();
  }

  private static AccessLogFilter status(int code) {
    return AccessLogFilter.newBuilder()
        .setStatusCodeFilter(
            StatusCodeFilter.newBuilder()
                .setComparison(
                    ComparisonFilter.newBuilder()
                        .setOp(ComparisonFilter.Op.EQ)
                        .setValue(RuntimeUInt32.newBuilder().setDefaultValue(code).setRuntimeKey("gantry.local_reply." + code))))
        .build();
  }

  private static SubstitutionFormatString json(String error, String reason) {
    return SubstitutionFormatString.newBuilder()
        .setJsonFormat(
            Struct.newBuilder()
                .putFields("error", Value.newBuilder().setStringValue(error).build())
                .putFields("reason", Value.newBuilder().setStringValue(reason).build()))
        .build();
  }

  private static HeaderValueOption header(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  private static ResponseMapper.Builder notServed(boolean internal) {
    ResponseMapper.Builder mapper = ResponseMapper.newBuilder();
    if (internal) {
      mapper.addHeadersToAdd(header(GatewayHeaders.NOT_SERVED, "true"));
    }
    return mapper;
  }
}
