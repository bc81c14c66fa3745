package dev.gantry.demo;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Set;

/**
 * A span per HTTP request the echo answers, after OpenTelemetry's HTTP server conventions,
 * continuing the trace the request's {@code traceparent} names (the gateway's), so a request is
 * one trace from the entry gateway to the workload. Without a tracer ({@link #NONE}) nothing is
 * made.
 */
final class RequestSpans {

  static final RequestSpans NONE = new RequestSpans(null);

  private static final Set<String> ROUTES = Set.of("/", "/slow", "/sse");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> WORKLOAD = AttributeKey.stringKey("gantry.workload");

  private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpHeaders carrier) {
      return carrier.names();
    }

    @Override
    public String get(HttpHeaders carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final Tracer tracer;

  RequestSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The request's span, started now. */
  Span start(FullHttpRequest request, String path, String workload) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.headers(), HEADERS);
    String method = request.method().name();
    boolean routed = ROUTES.contains(path);
    var span = tracer.spanBuilder(routed ? method + " " + path : method)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(METHOD, method)
        .setAttribute(PATH, path)
        .setAttribute(WORKLOAD, workload);
    if (routed) {
      span.setAttribute(ROUTE, path);
    }
    return span.startSpan();
  }

  /** Ends {@code span} with the answer's status. */
  static void end(Span span, int status) {
    span.setAttribute(STATUS, (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }
}
