package dev.gantry.controlplane.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.model.Replica;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LeaseMetricsTest {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();

  private static Replica replica(String region, int port) {
    return new Replica(WorkloadId.parse("agt-echo-demo"), region, new HostPort("127.0.0.1", port));
  }

  private Map<String, Map<String, Long>> byRegion() {
    Map<String, Map<String, Long>> metrics = new TreeMap<>();
    for (MetricData data : reader.collectAllMetrics()) {
      for (LongPointData point : data.getLongSumData().getPoints()) {
        metrics.computeIfAbsent(data.getName(), n -> new TreeMap<>())
            .put(point.getAttributes().get(AttributeKey.stringKey("region")), point.getValue());
      }
    }
    return metrics;
  }

  @Test
  void leasesHeld_andExpired_byRegion() throws Exception {
    leasesHeld_andExpired_byRegion(new MemoryLeaseBook());
  }

  @Test
  void leasesHeld_inTheDatabase_byRegion() throws Exception {
    leasesHeld_andExpired_byRegion(new SqlLeaseBook(dev.gantry.controlplane.store.Database.inMemory("leases-" + System.nanoTime())));
  }

  private void leasesHeld_andExpired_byRegion(LeaseBook book) throws Exception {
    try (LeaseMetrics metrics = new LeaseMetrics(meters.get("test"), book, Set.of("eu-lon-1", "eu-par-1"))) {
      book.grant(replica("eu-lon-1", 1), 1000, 0);
      book.grant(replica("eu-lon-1", 2), 1000, 0);
      book.grant(replica("eu-par-1", 3), 1000, 0);
      metrics.expired(List.of(replica("eu-par-1", 3)));
      book.drop(replica("eu-par-1", 3));
      assertThat(byRegion().get("gantry.controlplane.replica.leases")).as("not read yet").containsEntry("eu-lon-1", 0L);
      metrics.refresh();

      Map<String, Map<String, Long>> read = byRegion();
      assertThat(read.get("gantry.controlplane.replica.leases")).containsEntry("eu-lon-1", 2L).containsEntry("eu-par-1", 0L);
      assertThat(read.get("gantry.controlplane.replica.leases.expired")).containsEntry("eu-par-1", 1L).containsEntry("eu-lon-1", 0L);
    }
  }
}
