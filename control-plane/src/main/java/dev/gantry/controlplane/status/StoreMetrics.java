package dev.gantry.controlplane.status;

import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.store.FleetStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's writes: {@code gantry.controlplane.store.write.duration} (seconds from a write's
 * start, its wait for the write lock included, to its commit) and {@code
 * gantry.controlplane.store.refusals} by {@code reason}: the refusal's kind (invalid, not_found,
 * already_exists, forbidden), or {@code store_error} when the database failed.
 */
public final class StoreMetrics implements FleetStore.Observer {

  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  private static final List<Double> BUCKETS = List.of(1e-5, 1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0);

  private final DoubleHistogram duration;
  private final LongCounter refusals;
  private final Map<String, Attributes> reasons = new TreeMap<>();

  public StoreMetrics(Meter meter) {
    this.duration = meter.histogramBuilder("gantry.controlplane.store.write.duration")
        .setDescription("From a store write's start to its commit").setUnit("s").setExplicitBucketBoundariesAdvice(BUCKETS).build();
    this.refusals = meter.counterBuilder("gantry.controlplane.store.refusals")
        .setDescription("Writes that stored nothing, by reason").setUnit("{write}").build();
    for (Refusal.Kind kind : Refusal.Kind.values()) {
      reasons.put(kind.name().toLowerCase(Locale.ROOT), Attributes.of(REASON, kind.name().toLowerCase(Locale.ROOT)));
    }
    reasons.put("store_error", Attributes.of(REASON, "store_error"));
    // Every series starts at 0, so that a first refusal shows as an increase.
    reasons.values().forEach(attributes -> refusals.add(0, attributes));
  }

  @Override
  public void written(long version, long nanos) {
    duration.record(nanos / 1e9);
  }

  @Override
  public void refused(RuntimeException why) {
    String reason = why instanceof Refusal refusal ? refusal.kind().name().toLowerCase(Locale.ROOT) : "store_error";
    refusals.add(1, reasons.get(reason));
  }
}
