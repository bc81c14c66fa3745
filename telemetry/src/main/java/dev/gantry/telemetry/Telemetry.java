package dev.gantry.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.Map;

/**
 * OpenTelemetry for one of Gantry's services, wired once in its {@code main()}: the SDK as the
 * standard {@code OTEL_*} environment variables (or {@code otel.*} system properties) configure
 * it, with Gantry's defaults where they are silent — the service's name, and no exporter (so a
 * service nobody observes sends nothing and tries no collector). {@code OTEL_METRICS_EXPORTER=otlp},
 * {@code OTEL_TRACES_EXPORTER=otlp} and friends turn OTLP on (spans of refused decisions always
 * sampled: {@link RefusalsSampled}); {@code OTEL_SDK_DISABLED=true} turns everything off; {@code
 * prometheus} there is refused (it would open an unauthenticated port).
 *
 * <p>With {@code prometheus} set, the SDK also feeds OTel's Prometheus metric reader, which
 * {@link MetricsEndpoint} serves. Instruments are made through the API ({@link #meter}), so code
 * that records them works the same with telemetry on or off.
 */
public final class Telemetry implements AutoCloseable {

  private final OpenTelemetrySdk sdk;
  private final PrometheusMetricReader prometheus;
  private final boolean traced;

  private Telemetry(OpenTelemetrySdk sdk, PrometheusMetricReader prometheus, boolean traced) {
    this.sdk = sdk;
    this.prometheus = prometheus;
    this.traced = traced;
  }

  /**
   * The SDK for {@code serviceName}, feeding a Prometheus reader as well when {@code prometheus}
   * (for {@link MetricsEndpoint}).
   */
  public static Telemetry start(String serviceName, boolean prometheus) {
    PrometheusMetricReader reader = prometheus ? PrometheusMetricReader.builder().build() : null;
    java.util.concurrent.atomic.AtomicBoolean traced = new java.util.concurrent.atomic.AtomicBoolean();
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", serviceName,
            "otel.traces.exporter", "none",
            // The one OTLP sender shipped is the JDK's HTTP client (no gRPC stack for it).
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .addPropertiesCustomizer(Telemetry::refuseUnauthenticatedExporters)
        .addPropertiesCustomizer(config -> {
          traced.set(!config.getBoolean("otel.sdk.disabled", false)
              && config.getList("otel.traces.exporter").stream().anyMatch(exporter -> !exporter.equals("none")));
          return Map.of();
        })
        .addMeterProviderCustomizer((meters, config) -> reader == null ? meters : meters.registerMetricReader(reader))
        .addSamplerCustomizer((sampler, config) -> new RefusalsSampled(sampler))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, reader, traced.get());
  }

  /**
   * OTel's own {@code prometheus} metrics exporter serves plain HTTP to anyone who connects (on
   * port 9464): refused, with what to use instead, rather than opening a port no certificate
   * guards.
   */
  private static Map<String, String> refuseUnauthenticatedExporters(ConfigProperties config) {
    if (config.getList("otel.metrics.exporter").contains("prometheus")) {
      throw new ConfigurationException("OTEL_METRICS_EXPORTER=prometheus would serve metrics over plain HTTP to anyone;"
          + " Gantry serves them over mutual TLS with --metrics-listen (use otlp or none here)");
    }
    return Map.of();
  }

  /** The API instruments are made through. */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** A meter named for the code that records on it (e.g. {@code dev.gantry.authz}). */
  public Meter meter(String scope) {
    return sdk.getMeter(scope);
  }

  /**
   * A tracer named for the code that makes spans on it, or null when {@code OTEL_TRACES_EXPORTER}
   * names no exporter: no span would leave the process, so callers make none (no work on a
   * request's path). A refused or failed decision is sampled whatever the parent decided
   * ({@link RefusalsSampled}).
   */
  public Tracer tracer(String scope) {
    return traced ? sdk.getTracer(scope) : null;
  }

  /** The Prometheus reader, or null when not asked for. */
  PrometheusMetricReader prometheus() {
    return prometheus;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
