package dev.gantry.controlplane.edge;

import dev.gantry.controlplane.model.Routing;
import dev.gantry.pki.ServingCertificate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The gateways' HTTPS certificates as gauges, by {@code kind} (catalog: the operator's; domain:
 * workspaces' custom domains): {@code gantry.controlplane.certificates.expiry} — seconds until
 * the soonest expiry (negative once past) — and {@code gantry.controlplane.certificates.expiring}
 * — how many expire within {@link #SOON}. Not per certificate: custom domains come from tenants,
 * so a label per domain would be unbounded; {@code ./gantry status} names them.
 */
public final class CertificateMetrics {

  /**
   * What counts as expiring soon: three days. Every renewal scheme should have renewed by then
   * (the local CA's 7-day certificates at two thirds of their life, ACME's 90-day ones at 30 days
   * left), so a certificate this close is one whose renewal failed.
   */
  public static final Duration SOON = Duration.ofDays(3);

  private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  private static final Attributes CATALOG = Attributes.of(KIND, "catalog");
  private static final Attributes DOMAIN = Attributes.of(KIND, "domain");

  private CertificateMetrics() {}

  /** Registers the gauges; closing the answer removes them. */
  public static AutoCloseable register(Meter meter, Supplier<EdgeCertificates> catalog, Supplier<Routing> routing,
      Clock clock) {
    AutoCloseable expiry = meter.gaugeBuilder("gantry.controlplane.certificates.expiry")
        .setDescription("Seconds until the soonest expiry among the gateways' HTTPS certificates, by kind").setUnit("s")
        .buildWithCallback(m -> {
          long now = clock.instant().getEpochSecond();
          catalogCertificates(catalog).mapToLong(c -> c.notAfter().getEpochSecond() - now).min()
              .ifPresent(left -> m.record(left, CATALOG));
          domainCertificates(routing).mapToLong(c -> c.notAfter().getEpochSecond() - now).min()
              .ifPresent(left -> m.record(left, DOMAIN));
        });
    AutoCloseable expiring = meter.upDownCounterBuilder("gantry.controlplane.certificates.expiring")
        .setDescription("The gateways' HTTPS certificates expiring within 3 days (or expired), by kind").setUnit("{certificate}")
        .buildWithCallback(m -> {
          java.time.Instant soon = clock.instant().plus(SOON);
          m.record(catalogCertificates(catalog).filter(c -> c.notAfter().isBefore(soon)).count(), CATALOG);
          m.record(domainCertificates(routing).filter(c -> c.notAfter().isBefore(soon)).count(), DOMAIN);
        });
    List<AutoCloseable> gauges = List.of(expiry, expiring);
    return () -> {
      for (AutoCloseable gauge : gauges) {
        gauge.close();
      }
    };
  }

  private static Stream<ServingCertificate> catalogCertificates(Supplier<EdgeCertificates> catalog) {
    return catalog.get().byName().values().stream();
  }

  private static Stream<ServingCertificate> domainCertificates(Supplier<Routing> routing) {
    return routing.get().certifiedDomains().stream().map(d -> d.certificate());
  }
}
