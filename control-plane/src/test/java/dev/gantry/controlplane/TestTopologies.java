package dev.gantry.controlplane;

import dev.gantry.controlplane.config.ConfigException;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The local stack's topology and demo workloads, as the control plane embeds them. */
public final class TestTopologies {

  private TestTopologies() {}

  public static String resource(String name) {
    try (InputStream in = TestTopologies.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Topology local() {
    try {
      return TopologyLoader.load(resource("defaults/regions.yaml"), "defaults/regions.yaml");
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  public static FleetState demoSeed() {
    try {
      return SeedLoader.load(resource("defaults/seed.yaml"), "defaults/seed.yaml", local());
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }
}
