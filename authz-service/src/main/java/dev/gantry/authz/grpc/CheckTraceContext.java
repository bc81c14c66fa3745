package dev.gantry.authz.grpc;

import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;

/**
 * The trace a Check belongs to. With tracing on, Envoy's ext_authz client makes a span for the
 * Check and sends its context in the call's metadata ({@code traceparent}, W3C); this reads it
 * into the gRPC context, where {@link ExtAuthzService} finds the parent of its own span. A call
 * without one (tracing off in Envoy) costs one metadata lookup.
 */
public final class CheckTraceContext implements ServerInterceptor {

  /** The Check's parent: Envoy's span context, or the root context when there is none. */
  static final io.grpc.Context.Key<Context> PARENT = io.grpc.Context.keyWithDefault("gantry-trace-parent", Context.root());

  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private static final TextMapGetter<Metadata> METADATA = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier == null ? List.of() : carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  };

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!headers.containsKey(TRACEPARENT)) {
      return next.startCall(call, headers);
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, METADATA);
    return Contexts.interceptCall(io.grpc.Context.current().withValue(PARENT, parent), call, headers, next);
  }
}
