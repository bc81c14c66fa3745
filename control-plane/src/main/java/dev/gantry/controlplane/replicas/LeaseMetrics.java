package dev.gantry.controlplane.replicas;

import dev.gantry.controlplane.model.Replica;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replica leases: {@code gantry.controlplane.replica.leases} (held, by region, as the lease book
 * said at the last {@link #refresh()}: a scrape never waits for the database; with a shared
 * database every control-plane replica shows the fleet's count) and {@code
 * gantry.controlplane.replica.leases.expired} (replicas this control plane removed for missed
 * heartbeats, by region). Closing it removes the gauge.
 */
public final class LeaseMetrics implements AutoCloseable {

  private static final AttributeKey<String> REGION = AttributeKey.stringKey("region");

  private final Map<String, Attributes> regions = new TreeMap<>();
  private final LeaseBook book;
  private final LongCounter expired;
  private final AutoCloseable held;
  private volatile Map<String, Long> counts = Map.of();

  public LeaseMetrics(Meter meter, LeaseBook book, Set<String> regionIds) {
    this.book = book;
    regionIds.forEach(region -> regions.put(region, Attributes.of(REGION, region)));
    this.expired = meter.counterBuilder("gantry.controlplane.replica.leases.expired")
        .setDescription("Replicas removed because their lease ran out (missed heartbeats), by region").setUnit("{replica}").build();
    regions.values().forEach(attributes -> expired.add(0, attributes));
    this.held = meter.upDownCounterBuilder("gantry.controlplane.replica.leases")
        .setDescription("Replica leases held, by region").setUnit("{lease}")
        .buildWithCallback(m -> {
          Map<String, Long> now = counts;
          regions.forEach((region, attributes) -> m.record(now.getOrDefault(region, 0L), attributes));
        });
  }

  /** Reads the leases held from the lease book (the database, when shared): off the scrape's path. */
  public void refresh() {
    counts = Map.copyOf(book.countByRegion());
  }

  /** {@code replicas} were removed: their leases ran out. */
  public void expired(List<Replica> replicas) {
    for (Replica replica : replicas) {
      Attributes attributes = regions.get(replica.region());
      if (attributes != null) {
        expired.add(1, attributes);
      }
    }
  }

  @Override
  public void close() throws Exception {
    held.close();
  }
}
