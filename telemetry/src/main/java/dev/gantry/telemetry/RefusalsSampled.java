package dev.gantry.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The configured sampler ({@code OTEL_TRACES_SAMPLER}; by default, the parent's decision), except
 * that a decision refused or failed is sampled even when that sampler would drop it — the
 * requests an operator most often has to explain are kept when the gateway samples only a share
 * of the traffic — up to {@link #FORCED_PER_SECOND} a second: refusals cost a client nothing to
 * cause, and a flood of them must not push the sampled traces out of the collector.
 */
public final class RefusalsSampled implements Sampler {

  /** The most refusals a second sampled against the configured sampler's decision. */
  public static final long FORCED_PER_SECOND = 100;

  private final Sampler configured;
  private final LongSupplier nanos;
  private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong forced = new AtomicLong();

  public RefusalsSampled(Sampler configured) {
    this(configured, System::nanoTime);
  }

  RefusalsSampled(Sampler configured, LongSupplier nanos) {
    this.configured = configured;
    this.nanos = nanos;
  }

  @Override
  public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
      List<LinkData> links) {
    SamplingResult result = configured.shouldSample(parent, traceId, name, kind, attributes, links);
    String outcome = attributes.get(TraceAttributes.DECISION_OUTCOME);
    if (result.getDecision() != SamplingDecision.RECORD_AND_SAMPLE && ("deny".equals(outcome) || "error".equals(outcome))
        && mayForce()) {
      return SamplingResult.recordAndSample();
    }
    return result;
  }

  /** Whether this second's forced samples are not used up (and counts this one). */
  private boolean mayForce() {
    long second = nanos.getAsLong() / 1_000_000_000L;
    long current = window.get();
    if (current != second && window.compareAndSet(current, second)) {
      forced.set(0);
    }
    return forced.incrementAndGet() <= FORCED_PER_SECOND;
  }

  @Override
  public String getDescription() {
    return "RefusalsSampled{" + configured.getDescription() + ", at most " + FORCED_PER_SECOND + "/s forced}";
  }
}
