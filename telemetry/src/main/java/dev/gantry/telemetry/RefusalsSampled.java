package dev.gantry.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The configured sampler ({@code OTEL_TRACES_SAMPLER}; by default, the parent's decision), except
 * that a decision refused or failed is always sampled: the requests an operator most often has
 * to explain are kept even when the gateway sampled only a share of the traffic.
 */
public final class RefusalsSampled implements Sampler {

  private final Sampler configured;

  public RefusalsSampled(Sampler configured) {
    this.configured = configured;
  }

  @Override
  public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
      List<LinkData> links) {
    String outcome = attributes.get(TraceAttributes.DECISION_OUTCOME);
    if ("deny".equals(outcome) || "error".equals(outcome)) {
      return SamplingResult.recordAndSample();
    }
    return configured.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return "RefusalsSampled{" + configured.getDescription() + "}";
  }
}
