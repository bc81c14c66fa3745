package dev.gantry.authz.grpc;

import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;

/**
 * The trace a Check belongs to. With tracing on, Envoy's ext_authz client makes a span for the
 * Check and sends its context in the call's metadata ({@code traceparent}, W3C); this reads it
 * into the gRPC context, where {@link ExtAuthzService} finds the parent of its own span. A call
 * without one (tracing off in Envoy) costs one metadata lookup; one with a {@code traceparent}
 * and no or an empty {@code tracestate} (what Envoy sends unless a trace state was given to it)
 * is read without the general propagator's per-call work, one with a trace state goes through it.
 */
public final class CheckTraceContext implements ServerInterceptor {

  /** The Check's parent: Envoy's span context, or the root context when there is none. */
  static final io.grpc.Context.Key<Context> PARENT = io.grpc.Context.keyWithDefault("gantry-trace-parent", Context.root());

  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACESTATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);

  private static final TextMapGetter<Metadata> METADATA = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier == null ? List.of() : carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      if (carrier == null) {
        return null;
      }
      return switch (key) {
        case "traceparent" -> carrier.get(TRACEPARENT);
        case "tracestate" -> carrier.get(TRACESTATE);
        default -> carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      };
    }
  };

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String traceparent = headers.get(TRACEPARENT);
    if (traceparent == null) {
      return next.startCall(call, headers);
    }
    String tracestate = headers.get(TRACESTATE);
    Context parent = tracestate == null || tracestate.isEmpty()
        ? parent(traceparent)
        : W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, METADATA);
    return Contexts.interceptCall(io.grpc.Context.current().withValue(PARENT, parent), call, headers, next);
  }

  /**
   * The remote parent a {@code traceparent} names ({@code 00-<32 hex>-<16 hex>-<2 hex>}, a later
   * version's first four fields), or the root context when it names none (malformed, all-zero
   * ids): as the W3C propagator reads it, without its general machinery.
   */
  static Context parent(String traceparent) {
    int length = traceparent.length();
    if (length < 55 || (length > 55 && traceparent.charAt(55) != '-') || traceparent.charAt(2) != '-'
        || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
      return Context.root();
    }
    String version = traceparent.substring(0, 2);
    if (!isHex(version) || version.equals("ff") || (version.equals("00") && length != 55)) {
      return Context.root();
    }
    String flags = traceparent.substring(53, 55);
    if (!isHex(flags)) {
      return Context.root();
    }
    // createFromRemoteParent checks the ids (lowercase hex, not all zeros): invalid when not.
    SpanContext context = SpanContext.createFromRemoteParent(traceparent.substring(3, 35), traceparent.substring(36, 52),
        TraceFlags.fromHex(flags, 0), TraceState.getDefault());
    return context.isValid() ? Context.root().with(Span.wrap(context)) : Context.root();
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
