package dev.gantry.authz.snapshot;

import dev.gantry.authz.model.AuthzSnapshot;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sidecar's snapshot looks like from outside: {@code gantry.authz.snapshot.version}
 * (the version served), {@code gantry.authz.snapshot.age} (seconds since it was applied: a
 * sidecar that stops receiving updates shows a growing age while the control plane writes) and
 * {@code gantry.authz.snapshot.apply.duration} (from an update's arrival in the store to its being
 * served, a wait for new issuers' keys included). Hooked into {@link SnapshotStore}'s two
 * callbacks (updates are applied one at a time, on the snapshot stream's thread).
 */
public final class SnapshotMetrics implements AutoCloseable {

  private static final List<Double> SECONDS_BUCKETS = List.of(1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1.0, 2.5);

  private final Clock clock;
  private final DoubleHistogram applyDuration;
  private final AtomicLong applying = new AtomicLong();
  private final AtomicLong appliedAtMillis = new AtomicLong(-1);
  private final AtomicLong servedVersion = new AtomicLong(-1);
  private final AutoCloseable version;
  private final AutoCloseable age;

  public SnapshotMetrics(Meter meter, Clock clock) {
    this.clock = clock;
    applyDuration = meter.histogramBuilder("gantry.authz.snapshot.apply.duration")
        .setDescription("Time from an update's arrival in the store to its being served").setUnit("s")
        .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS).build();
    version = meter.gaugeBuilder("gantry.authz.snapshot.version").ofLongs()
        .setDescription("The version of the snapshot served (absent before the first)").setUnit("{version}")
        .buildWithCallback(m -> {
          long version = servedVersion.get();
          if (version >= 0) {
            m.record(version);
          }
        });
    age = meter.gaugeBuilder("gantry.authz.snapshot.age")
        .setDescription("Seconds since the snapshot served was applied (absent before the first)").setUnit("s")
        .buildWithCallback(m -> {
          long applied = appliedAtMillis.get();
          if (applied >= 0) {
            m.record((clock.millis() - applied) / 1000.0);
          }
        });
  }

  /** Removes the gauges (a sidecar stopped in a live process). */
  @Override
  public void close() throws Exception {
    version.close();
    age.close();
  }

  /** An update reached the store: before its wait for keys and its swap. */
  public void applying(AuthzSnapshot next) {
    applying.set(System.nanoTime());
  }

  /** The update is served. */
  public void applied(AuthzSnapshot next) {
    applyDuration.record((System.nanoTime() - applying.get()) / 1e9);
    appliedAtMillis.set(clock.millis());
    servedVersion.set(next.version());
  }
}
