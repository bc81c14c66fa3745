package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.envoyproxy.envoy.type.v3.Percent;

/**
 * Tracing at the gateways: Envoy's OpenTelemetry tracer on both listeners starts a trace per
 * request, or continues the one a {@code traceparent} header names (a peer gateway's, or a
 * client's), samples {@code samplePercent} of the traces it starts, and sends its spans over
 * OTLP/gRPC to {@code collector} — mutual TLS, the gateway's certificate shown, a {@code
 * spiffe://gantry/collector/…} certificate required of the collector. Envoy passes the trace on
 * to its authz-service (the Check's metadata) and to the workload or peer gateway (the request's
 * {@code traceparent}, naming the request's span as the parent), so a request forwarded to
 * another region stays one trace.
 *
 * <p>Fixed for the control plane's life: the listeners carrying it stay byte-identical across
 * pushes (a listener change would drain connections).
 *
 * @param collector the OTLP/gRPC receiver (Jaeger, an OpenTelemetry Collector)
 * @param samplePercent the share of new traces sampled, 0 to 100; a continued trace keeps its
 *     parent's decision
 */
public record GatewayTracing(HostPort collector, double samplePercent) {

  /** The collector's cluster: a workload cluster's name always has an '@', this one none. */
  static final String CLUSTER = "gantry-traces";

  /** The OTel service name of the gateways' spans; the region is a span attribute. */
  static final String SERVICE_NAME = "gantry-gateway";

  public GatewayTracing {
    if (collector == null) {
      throw new IllegalArgumentException("a trace collector address is required");
    }
    if (!(samplePercent >= 0 && samplePercent <= 100)) {
      throw new IllegalArgumentException("trace sample percent " + samplePercent + " (expected: 0 to 100)");
    }
  }

  /** A connection manager's tracing: the OpenTelemetry tracer, the sampling, the region as a tag. */
  HttpConnectionManager.Tracing connectionManager(String region) {
    OpenTelemetryConfig otel = OpenTelemetryConfig.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(CLUSTER))
            .setTimeout(EnvoyValues.seconds(5)))
        .setServiceName(SERVICE_NAME)
        .build();
    return HttpConnectionManager.Tracing.newBuilder()
        .setProvider(io.envoyproxy.envoy.config.trace.v3.Tracing.Http.newBuilder()
            .setName("envoy.tracers.opentelemetry")
            .setTypedConfig(Any.pack(otel)))
        .setRandomSampling(Percent.newBuilder().setValue(samplePercent))
        // x-client-trace-id forces no sampling: a client cannot make every request of its traced.
        .setClientSampling(Percent.newBuilder().setValue(0))
        // No span of its own for the call to the workload or peer gateway: Envoy 1.36's tracer
        // builds every span in full even when it is not sampled, and this one cost about a third
        // of the tracing's CPU per request (bench/README.md). The callee's span is the child of
        // the request's span, so the trace stays whole; the call's own time is the callee's span.
        .setSpawnUpstreamSpan(BoolValue.of(false))
        .addCustomTags(CustomTag.newBuilder().setTag("gantry.region")
            .setLiteral(CustomTag.Literal.newBuilder().setValue(region)))
        .build();
  }

  /** The collector, over HTTP/2 and mutual TLS ({@link GatewayTls#toCollector}). */
  Cluster cluster() {
    return GatewayClusters.traceCollector(CLUSTER, collector, GatewayTls.toCollector());
  }
}
