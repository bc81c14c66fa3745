package dev.gantry.controlplane.status;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The status board as gauges, read when metrics are collected: per region of the catalog,
 * {@code gantry.controlplane.envoys.connected}, {@code gantry.controlplane.envoys.refusing}
 * (connected Envoys with a config they refused and the control plane has not replaced yet),
 * {@code gantry.controlplane.sidecars.connected} and {@code gantry.controlplane.region.state_version}
 * (the fleet state version the region's published config reflects); and {@code
 * gantry.controlplane.state.version}, the store's. A region label takes the catalog's regions only.
 */
public final class FleetMetrics {

  private static final AttributeKey<String> REGION = AttributeKey.stringKey("region");

  private FleetMetrics() {}

  /** Registers the gauges on {@code meter}; closing the answer removes them (a control plane stopped in a live process). */
  public static AutoCloseable register(Meter meter, FleetStatusBoard board, Set<String> regions, LongSupplier stateVersion) {
    List<AutoCloseable> gauges = new ArrayList<>();
    Map<String, Attributes> byRegion = new TreeMap<>();
    regions.forEach(region -> byRegion.put(region, Attributes.of(REGION, region)));
    gauges.add(meter.upDownCounterBuilder("gantry.controlplane.envoys.connected")
        .setDescription("Envoys with an open ADS stream, by region").setUnit("{envoy}")
        .buildWithCallback(m -> {
          Map<String, Long> counts = new TreeMap<>();
          board.envoys().forEach(e -> counts.merge(e.region(), 1L, Long::sum));
          byRegion.forEach((region, attributes) -> m.record(counts.getOrDefault(region, 0L), attributes));
        }));
    gauges.add(meter.upDownCounterBuilder("gantry.controlplane.envoys.refusing")
        .setDescription("Connected Envoys holding a refusal of a config still published, by region").setUnit("{envoy}")
        .buildWithCallback(m -> {
          Map<String, Long> counts = new TreeMap<>();
          board.envoys().stream().filter(e -> !e.rejections().isEmpty()).forEach(e -> counts.merge(e.region(), 1L, Long::sum));
          byRegion.forEach((region, attributes) -> m.record(counts.getOrDefault(region, 0L), attributes));
        }));
    gauges.add(meter.upDownCounterBuilder("gantry.controlplane.sidecars.connected")
        .setDescription("Authz sidecars watching the snapshot, by region").setUnit("{sidecar}")
        .buildWithCallback(m -> {
          Map<String, Long> counts = new TreeMap<>();
          board.sidecars().stream().filter(FleetStatusBoard.Sidecar::connected).forEach(s -> counts.merge(s.region(), 1L, Long::sum));
          byRegion.forEach((region, attributes) -> m.record(counts.getOrDefault(region, 0L), attributes));
        }));
    gauges.add(meter.gaugeBuilder("gantry.controlplane.region.state_version").ofLongs()
        .setDescription("The fleet state version each region's published config reflects").setUnit("{version}")
        .buildWithCallback(m -> board.reflected().forEach((region, version) -> {
          Attributes attributes = byRegion.get(region);
          if (attributes != null) {
            m.record(version, attributes);
          }
        })));
    gauges.add(meter.gaugeBuilder("gantry.controlplane.state.version").ofLongs()
        .setDescription("The store's fleet state version").setUnit("{version}")
        .buildWithCallback(m -> m.record(stateVersion.getAsLong())));
    return () -> {
      for (AutoCloseable gauge : gauges) {
        gauge.close();
      }
    };
  }
}
