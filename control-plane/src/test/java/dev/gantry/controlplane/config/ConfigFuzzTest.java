package dev.gantry.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.Topology;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the files an operator writes: the region catalog and the seed. Any
 * text is loaded or refused with a {@link ConfigException} that says where and why, never
 * another exception. {@code scripts/fuzz ConfigFuzzTest#<target> <seconds>} searches further.
 */
class ConfigFuzzTest {

  private static final Topology TOPOLOGY = TestTopologies.local();

  @FuzzTest
  void catalog(byte[] input) {
    try {
      Topology topology = TopologyLoader.load(new String(input, StandardCharsets.UTF_8), "fuzz");
      assertThat(topology.catalog().regions()).isNotEmpty();
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest
  void seed(byte[] input) {
    try {
      assertThat(SeedLoader.load(new String(input, StandardCharsets.UTF_8), "fuzz", TOPOLOGY)).isNotNull();
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
