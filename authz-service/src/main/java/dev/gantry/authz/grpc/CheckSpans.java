package dev.gantry.authz.grpc;

import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.telemetry.TraceAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * A span per Check, a child of Envoy's span for the authorization call (its context from {@link
 * CheckTraceContext}), from the Check's arrival to its answer: the outcome, the deny's reason,
 * the workload admitted, the credential kind and the region as attributes — never the credential.
 * Made when the decision is known, so that the sampler sees the outcome (a refusal is always
 * sampled). Without tracing ({@link #NONE}) nothing is made.
 */
final class CheckSpans {

  static final CheckSpans NONE = new CheckSpans(null, "");

  static final String NAME = "envoy.service.auth.v3.Authorization/Check";

  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

  private final Tracer tracer;
  private final String region;

  CheckSpans(Tracer tracer, String region) {
    this.tracer = tracer;
    this.region = region;
  }

  /** The Check that arrived at {@code startNanos} ({@link System#nanoTime()}) was answered with {@code decision}. */
  void decided(Context parent, long startNanos, Decision decision, RequestFacts facts) {
    if (tracer == null) {
      return;
    }
    java.time.Instant now = java.time.Instant.now();
    Decision.Allow allow = decision instanceof Decision.Allow a ? a : null;
    Span span = start(parent, startNanos, now, switch (decision) {
      case Decision.Allow a -> a.forwarded() ? "forward" : "allow";
      case Decision.Deny d -> "deny";
      case Decision.Answer a -> "answer";
    });
    if (!span.isRecording()) {
      return;
    }
    if (decision instanceof Decision.Deny deny) {
      span.setAttribute(TraceAttributes.DECISION_REASON, deny.reason());
    } else if (decision instanceof Decision.Answer answer) {
      span.setAttribute(TraceAttributes.DECISION_REASON, answer.reason());
    } else {
      span.setAttribute(TraceAttributes.DECISION_REASON, "ok")
          .setAttribute(TraceAttributes.CREDENTIAL_KIND, allow.headersToSet().getOrDefault(GatewayHeaders.CREDENTIAL_KIND, "none"));
      String workload = allow.headersToSet().get(GatewayHeaders.WORKLOAD);
      if (workload != null) {
        span.setAttribute(TraceAttributes.WORKLOAD, workload);
      }
    }
    described(span, facts).end(now);
  }

  /** The Check that arrived at {@code startNanos} failed: Gantry's error ({@code reason}), answered so. */
  void failed(Context parent, long startNanos, RequestFacts facts, String reason) {
    if (tracer == null) {
      return;
    }
    java.time.Instant now = java.time.Instant.now();
    Span span = start(parent, startNanos, now, "error");
    if (span.isRecording()) {
      described(span, facts).setAttribute(TraceAttributes.DECISION_REASON, reason).setStatus(StatusCode.ERROR, reason)
          .end(now);
    }
  }

  /**
   * The span from the Check's arrival ({@code startNanos}, on the monotonic clock) to {@code now}
   * (one reading of each clock), with the one attribute the sampler reads ({@link
   * dev.gantry.telemetry.RefusalsSampled}): the rest are set only on a span that records, so a
   * Check in a trace nobody samples costs the sampler's decision and no more.
   */
  private Span start(Context parent, long startNanos, java.time.Instant now, String outcome) {
    long elapsed = System.nanoTime() - startNanos;
    return tracer.spanBuilder(NAME)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setStartTimestamp(now.minusNanos(elapsed))
        .setAttribute(TraceAttributes.DECISION_OUTCOME, outcome)
        .startSpan();
  }

  /** The attributes every Check's span has: the RPC, the region, the host asked for. */
  private Span described(Span span, RequestFacts facts) {
    span.setAttribute(RPC_SYSTEM, "grpc")
        .setAttribute(RPC_SERVICE, "envoy.service.auth.v3.Authorization")
        .setAttribute(RPC_METHOD, "Check")
        .setAttribute(TraceAttributes.REGION, region);
    if (facts != null && facts.authority() != null) {
      span.setAttribute(SERVER_ADDRESS, facts.authority());
    }
    return span;
  }

  /** The trace id of the Check's parent (Envoy's trace), or null when it came with none. */
  static String traceId(Context parent) {
    SpanContext context = Span.fromContext(parent).getSpanContext();
    return context.isValid() ? context.getTraceId() : null;
  }
}
