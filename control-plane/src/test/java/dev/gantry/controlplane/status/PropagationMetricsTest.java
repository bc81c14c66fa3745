package dev.gantry.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.store.FleetStore;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** From a store write to every Envoy's ACK, and the store's own writes, on a stepped clock. */
class PropagationMetricsTest {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final FleetStatusBoard board = new FleetStatusBoard();
  private final AtomicLong nanos = new AtomicLong();
  private final PropagationMetrics propagation = new PropagationMetrics(board, meters.get("test"), nanos::get);

  private static final long MS = 1_000_000;

  private void publish(String region, String version, long state) {
    board.published(region, Map.of("clusters", version, "listeners", "l1"));
    board.reflects(region, state);
  }

  private HistogramPointData histogram() {
    for (MetricData data : reader.collectAllMetrics()) {
      if (data.getName().equals("gantry.controlplane.write_to_ack.duration")) {
        return data.getHistogramData().getPoints().iterator().next();
      }
    }
    return null;
  }

  @Test
  void aWrite_isMeasuredWhenTheLastEnvoyHoldsAConfigReflectingIt() {
    board.onChange(propagation::check);
    board.envoyConnected(1, "gateway-eu-lon-1", "eu-lon-1");
    board.envoyConnected(2, "gateway-eu-par-1", "eu-par-1");

    propagation.written(5);
    nanos.addAndGet(10 * MS);
    publish("eu-lon-1", "c5", 5);
    publish("eu-par-1", "c5p", 5);
    nanos.addAndGet(90 * MS);
    board.acked(1, "clusters", "c5");
    board.acked(1, "listeners", "l1");
    assertThat(histogram()).as("one Envoy of two holds it").isNull();

    nanos.addAndGet(200 * MS);
    board.acked(2, "listeners", "l1");
    board.acked(2, "clusters", "c5p");

    HistogramPointData point = histogram();
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aWriteAnEnvoyNeverTakes_isMeasuredOnlyOnceThatEnvoyIsGone_andAnOlderConfigHeldCountsForNothing() {
    board.onChange(propagation::check);
    board.envoyConnected(1, "gateway-eu-lon-1", "eu-lon-1");
    board.envoyConnected(2, "gateway-eu-par-1", "eu-par-1");
    publish("eu-lon-1", "c1", 1);
    publish("eu-par-1", "c1p", 1);
    board.acked(1, "clusters", "c1");
    board.acked(1, "listeners", "l1");
    board.acked(2, "clusters", "c1p");
    board.acked(2, "listeners", "l1");

    propagation.written(2);
    publish("eu-lon-1", "c2", 2);
    publish("eu-par-1", "c2p", 2);
    nanos.addAndGet(50 * MS);
    board.acked(1, "clusters", "c2");
    // Paris still holds c1p: an older config is not this write.
    assertThat(histogram()).isNull();

    nanos.addAndGet(950 * MS);
    board.envoyDisconnected(2);

    assertThat(histogram().getCount()).isEqualTo(1);
    assertThat(histogram().getSum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aWriteHeldTooLong_isDroppedUnmeasured_evenWhenTheEnvoysCatchUpLater() {
    board.onChange(propagation::check);
    board.envoyConnected(1, "gateway-eu-lon-1", "eu-lon-1");
    propagation.written(3);
    nanos.addAndGet(PropagationMetrics.GIVE_UP_NANOS + MS);
    publish("eu-lon-1", "c3", 3);
    board.acked(1, "clusters", "c3");
    board.acked(1, "listeners", "l1");

    assertThat(histogram()).isNull();
  }

  @Test
  void theStore_tellsItsObservers_beforeItsSubscribersActOnTheWrite() {
    FleetStore store = new FleetStore();
    java.util.List<String> order = new java.util.ArrayList<>();
    store.observe(new FleetStore.Observer() {
      @Override
      public void written(long version, long nanos) {
        order.add("observed " + version);
      }

      @Override
      public void refused(RuntimeException why) {}
    });
    store.subscribe(state -> order.add("published " + state.version()));
    store.update(state -> state.withVersion(state.version()));

    assertThat(order).containsSubsequence("observed 1", "published 1");
  }

  @Test
  void theStore_timesItsWrites_andCountsWhatItRefusedByReason() {
    FleetStore store = new FleetStore();
    store.observe(new StoreMetrics(meters.get("test")));
    store.update(state -> state.withVersion(state.version()));
    try {
      store.update(state -> {
        throw new Refusal(Refusal.Kind.ALREADY_EXISTS, "exists");
      });
    } catch (Refusal expected) {
      // counted
    }

    long writes = 0;
    Map<String, Long> refusals = new java.util.TreeMap<>();
    for (MetricData data : reader.collectAllMetrics()) {
      if (data.getName().equals("gantry.controlplane.store.write.duration")) {
        writes = data.getHistogramData().getPoints().iterator().next().getCount();
      }
      if (data.getName().equals("gantry.controlplane.store.refusals")) {
        for (LongPointData point : data.getLongSumData().getPoints()) {
          refusals.put(point.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("reason")), point.getValue());
        }
      }
    }
    assertThat(writes).isEqualTo(1);
    assertThat(refusals).containsEntry("already_exists", 1L).containsEntry("not_found", 0L).containsEntry("store_error", 0L);
  }
}
