package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Check's parent read from a {@code traceparent} alone: as OpenTelemetry's W3C propagator reads it. */
class CheckTraceContextTest {

  private static final TextMapGetter<String> ONLY_TRACEPARENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return key.equals("traceparent") ? carrier : null;
    }
  };

  @ParameterizedTest
  @ValueSource(strings = {
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // sampled
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",  // not sampled
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",  // other flags
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // a later version
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more",  // a later version, more fields
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more",  // version 00 has no more fields
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // the forbidden version
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero span id
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",   // a short trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",  // flags not hex
      "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version not hex
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  // wrong separators
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-010", // one character too many
      "",
      "garbage"})
  void readsTheParent_asTheW3CPropagatorDoes(String traceparent) {
    SpanContext expected = Span.fromContext(
        W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, ONLY_TRACEPARENT)).getSpanContext();

    SpanContext read = Span.fromContext(CheckTraceContext.parent(traceparent)).getSpanContext();

    assertThat(read.isValid()).as("valid").isEqualTo(expected.isValid());
    assertThat(read).isEqualTo(expected);
  }
}
