package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.GatewayHeaders;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.HeaderForwardingRules;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Usage metering: Envoy's external processing filter, in observability mode, sends the sidecar
 * copies of a metered request's headers and of its response's headers and body chunks, and
 * never waits for an answer — the response streams to the client untouched and unheld, however
 * long an SSE stream lasts. The sidecar (its {@code UsageObserver}) reads the usage the response
 * reports. Only metered requests are observed ({@link GatewayRoutes}: the filter is on only on
 * the routes for {@link GatewayHeaders#METER}).
 *
 * <ul>
 *   <li>Sent: the request's meter header (whom to count to), the response's {@code content-type}
 *       and {@code content-encoding}, and its body, streamed; nothing else of the request, no
 *       request body, no trailers.
 *   <li>Fails open: when the sidecar cannot be reached, the response flows unobserved; the gap
 *       is counted in Envoy's {@code http.gateway.ext_proc.streams_failed} (and friends).
 * </ul>
 */
final class UsageMetering {

  static final String FILTER = "envoy.filters.http.ext_proc";

  private UsageMetering() {}

  /** The HTTP filter, after ext_authz (which marks metered requests). */
  static HttpFilter filter() {
    ExternalProcessor processor = ExternalProcessor.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(ClusterNames.AUTHZ)))
        .setObservabilityMode(true)
        .setFailureModeAllow(true)
        .setProcessingMode(mode())
        .setForwardRules(HeaderForwardingRules.newBuilder()
            .setAllowedHeaders(ListStringMatcher.newBuilder()
                .addPatterns(StringMatcher.newBuilder().setExact(GatewayHeaders.METER))
                .addPatterns(StringMatcher.newBuilder().setExact("content-type"))
                .addPatterns(StringMatcher.newBuilder().setExact("content-encoding"))))
        .build();
    return HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(processor)).build();
  }

  /** A metered route's setting: the filter on, as configured (a more specific setting than the host's "off"). */
  static ExtProcPerRoute onRoute() {
    return ExtProcPerRoute.newBuilder().setOverrides(ExtProcOverrides.newBuilder().setProcessingMode(mode())).build();
  }

  private static ProcessingMode mode() {
    return ProcessingMode.newBuilder()
        .setRequestHeaderMode(ProcessingMode.HeaderSendMode.SEND)
        .setResponseHeaderMode(ProcessingMode.HeaderSendMode.SEND)
        .setRequestBodyMode(ProcessingMode.BodySendMode.NONE)
        .setResponseBodyMode(ProcessingMode.BodySendMode.STREAMED)
        .setRequestTrailerMode(ProcessingMode.HeaderSendMode.SKIP)
        .setResponseTrailerMode(ProcessingMode.HeaderSendMode.SKIP)
        .build();
  }
}
