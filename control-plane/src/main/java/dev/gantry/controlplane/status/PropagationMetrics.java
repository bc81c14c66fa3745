package dev.gantry.controlplane.status;

import dev.gantry.controlplane.store.FleetStore;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@code gantry.controlplane.write_to_ack.duration}: for each write this control plane stores,
 * the seconds until every Envoy connected to it holds (has ACKed) the config published for a
 * state at least that new. Checked at each ACK, publication and disconnection; writes made by
 * another control-plane replica are measured there, not here. A write still waiting after
 * {@link #GIVE_UP_NANOS} (an Envoy refusing its config, none connected) is dropped unmeasured,
 * as are the oldest beyond {@link #MAX_PENDING}.
 */
public final class PropagationMetrics implements FleetStore.Observer {

  static final long GIVE_UP_NANOS = 600_000_000_000L;
  static final int MAX_PENDING = 1_000;
  private static final List<Double> BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  private final FleetStatusBoard board;
  private final LongSupplier nanos;
  private final DoubleHistogram toEnvoys;
  /** Writes not yet held by every Envoy: state version → when it was written. */
  private final NavigableMap<Long, Long> pending = new TreeMap<>();

  public PropagationMetrics(FleetStatusBoard board, Meter meter, LongSupplier nanos) {
    this.board = board;
    this.nanos = nanos;
    this.toEnvoys = meter.histogramBuilder("gantry.controlplane.write_to_ack.duration")
        .setDescription("From a store write to every connected Envoy's ACK of a config that reflects it").setUnit("s")
        .setExplicitBucketBoundariesAdvice(BUCKETS).build();
  }

  @Override
  public void written(long version, long nanos) {
    written(version);
  }

  @Override
  public void refused(RuntimeException why) {
    // nothing was written: nothing to follow
  }

  /** State {@code version} was stored now. */
  public synchronized void written(long version) {
    long now = nanos.getAsLong();
    pending.put(version, now);
    while (pending.size() > MAX_PENDING) {
      pending.pollFirstEntry();
    }
    giveUp(now);
  }

  private void giveUp(long now) {
    pending.values().removeIf(at -> now - at > GIVE_UP_NANOS);
  }

  /** Records the writes every connected Envoy now holds. */
  public synchronized void check() {
    if (pending.isEmpty()) {
      return;
    }
    // Reflected before published, as the publisher records them (what is published, then what it
    // reflects), so an Envoy holding the published config holds at least the reflected version.
    Map<String, Long> reflected = board.reflected();
    Set<String> regions = board.regionsAllHolding();
    if (regions.isEmpty()) {
      return;
    }
    long held = Long.MAX_VALUE;
    for (String region : regions) {
      held = Math.min(held, reflected.getOrDefault(region, 0L));
    }
    long now = nanos.getAsLong();
    giveUp(now);
    NavigableMap<Long, Long> done = pending.headMap(held, true);
    done.values().forEach(at -> toEnvoys.record((now - at) / 1e9));
    done.clear();
  }
}
