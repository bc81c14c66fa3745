package dev.gantry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TracingTest {

  private static final Context UNSAMPLED = Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(
      "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", TraceFlags.getDefault(), TraceState.getDefault())));

  private static SamplingDecision decide(Sampler sampler, String outcome) {
    return sampler.shouldSample(UNSAMPLED, "4bf92f3577b34da6a3ce929d0e0e4736", "Check", SpanKind.SERVER,
        Attributes.of(TraceAttributes.DECISION_OUTCOME, outcome), List.of()).getDecision();
  }

  @Test
  void refusals_areSampledAgainstAnUnsampledParent_upToTheirCapASecond_admissionsFollowTheParent() {
    AtomicLong nanos = new AtomicLong();
    Sampler sampler = new RefusalsSampled(Sampler.parentBased(Sampler.alwaysOn()), nanos::get);

    assertThat(decide(sampler, "allow")).isEqualTo(SamplingDecision.DROP);
    for (int i = 0; i < RefusalsSampled.FORCED_PER_SECOND; i++) {
      assertThat(decide(sampler, i % 2 == 0 ? "deny" : "error")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }
    assertThat(decide(sampler, "deny")).as("a flood of refusals beyond the cap").isEqualTo(SamplingDecision.DROP);
    nanos.addAndGet(1_000_000_000L);
    assertThat(decide(sampler, "deny")).as("the next second").isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void theServicesSdk_samplesRefusals_andSpeaksOtlpOverHttpByDefault() {
    // OTLP asked for with no protocol named: the services ship the JDK's HTTP sender only, so a
    // gRPC default would fail here ("No GrpcSenderProvider found").
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:1");
    try (Telemetry telemetry = Telemetry.start("gantry-test", false)) {
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) telemetry.openTelemetry();
      assertThat(sdk.getSdkTracerProvider().getSampler().getDescription()).startsWith("RefusalsSampled{ParentBased");
      assertThat(telemetry.tracer("test")).isNotNull();
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.exporter.otlp.endpoint");
    }
  }

  @Test
  void withoutATraceExporter_thereIsNoTracer_soNoSpanIsMade() {
    try (Telemetry telemetry = Telemetry.start("gantry-test", false)) {
      assertThat(telemetry.tracer("test")).isNull();
    }
  }
}
