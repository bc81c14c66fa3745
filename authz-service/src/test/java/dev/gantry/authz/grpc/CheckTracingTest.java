package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.engine.Snapshots;
import dev.gantry.authz.snapshot.SnapshotStore;
import dev.gantry.telemetry.RefusalsSampled;
import dev.gantry.telemetry.TraceAttributes;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Check's span, in Envoy's trace, as a collector receives it (the SDK's in-memory exporter). */
class CheckTracingTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String ENVOY_SPAN = "00f067aa0ba902b7";

  private final SnapshotStore store = new SnapshotStore(s -> {});
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  // As Telemetry configures it by default: the parent's decision, refusals always sampled.
  private final SdkTracerProvider tracing = SdkTracerProvider.builder()
      .setSampler(new RefusalsSampled(Sampler.parentBased(Sampler.alwaysOn())))
      .addSpanProcessor(SimpleSpanProcessor.create(exported))
      .build();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    store.swap(Snapshots.demo());
    String name = InProcessServerBuilder.generateName();
    ExtAuthzService service = new ExtAuthzService(store, new DecisionEngine("eu-lon-1",
        new JwtAuthenticator((uri, kid) -> null, new VerifiedTokens(10), Clock.systemUTC())), (uri, kid) -> null,
        MeterProvider.noop().get("noop"), DecisionLog.NONE, tracing.get("test"), "eu-lon-1");
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(service, new CheckTraceContext())).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    tracing.close();
  }

  /** A Check as Envoy's ext_authz client sends it: its span's context in the call's metadata. */
  private void check(String host, Map<String, String> headers, String traceparent) {
    Metadata metadata = new Metadata();
    if (traceparent != null) {
      metadata.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
    }
    AuthorizationGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
        .check(CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder()
            .setHttp(AttributeContext.HttpRequest.newBuilder().setHost(host).setMethod("GET").setPath("/").putAllHeaders(headers))))
            .build());
  }

  @Test
  void anAdmission_isASpanInEnvoysTrace_childOfItsAuthorizationCall_withTheDecision() {
    check("agt-echo-demo.eu-lon-1.run.localhost", Map.of(), "00-" + TRACE + "-" + ENVOY_SPAN + "-01");

    SpanData span = only();
    assertThat(span.getTraceId()).isEqualTo(TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(ENVOY_SPAN);
    assertThat(span.getName()).isEqualTo("envoy.service.auth.v3.Authorization/Check");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getAttributes().get(TraceAttributes.DECISION_OUTCOME)).isEqualTo("allow");
    assertThat(span.getAttributes().get(TraceAttributes.DECISION_REASON)).isEqualTo("ok");
    assertThat(span.getAttributes().get(TraceAttributes.WORKLOAD)).isEqualTo("agt-echo-demo");
    assertThat(span.getAttributes().get(TraceAttributes.CREDENTIAL_KIND)).isEqualTo("none");
    assertThat(span.getAttributes().get(TraceAttributes.REGION)).isEqualTo("eu-lon-1");
    assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());
  }

  @Test
  void anAdmission_inATraceEnvoyDidNotSample_isNotExported() {
    check("agt-echo-demo.eu-lon-1.run.localhost", Map.of(), "00-" + TRACE + "-" + ENVOY_SPAN + "-00");

    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aRefusal_isAlwaysSampled_withItsReason_andNeverTheCredential() {
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    check("agt-private-demo.eu-lon-1.run.localhost", Map.of("authorization", "Bearer " + token),
        "00-" + TRACE + "-" + ENVOY_SPAN + "-00");

    SpanData span = only();
    assertThat(span.getTraceId()).isEqualTo(TRACE);
    assertThat(span.getAttributes().get(TraceAttributes.DECISION_OUTCOME)).isEqualTo("deny");
    assertThat(span.getAttributes().get(TraceAttributes.DECISION_REASON)).isNotBlank().isNotEqualTo("ok");
    assertThat(span.getAttributes().asMap().values()).allSatisfy(value -> assertThat(value.toString())
        .doesNotContain(token).doesNotContain("Bearer"));
  }

  @Test
  void aCheckWithoutEnvoysTrace_startsOneOfItsOwn_andAFailureIsAnError() {
    check("agt-nobody-demo.run.localhost", Map.of(), null);
    store.swap(null);
    try {
      check("agt-echo-demo.eu-lon-1.run.localhost", Map.of(), "00-" + TRACE + "-" + ENVOY_SPAN + "-00");
    } catch (io.grpc.StatusRuntimeException expected) {
      // no snapshot: Envoy fails closed
    }

    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).getParentSpanContext().isValid()).isFalse();
    assertThat(spans.get(0).getTraceId()).isNotEqualTo(TRACE);
    assertThat(spans.get(1).getTraceId()).isEqualTo(TRACE);
    assertThat(spans.get(1).getAttributes().get(TraceAttributes.DECISION_OUTCOME)).isEqualTo("error");
    assertThat(spans.get(1).getAttributes().get(TraceAttributes.DECISION_REASON)).isEqualTo("no-snapshot");
    assertThat(spans.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  private SpanData only() {
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    return spans.getFirst();
  }
}
