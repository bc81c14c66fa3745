package dev.gantry.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.routing.WorkloadId;
import org.junit.jupiter.api.Test;

class SeedLoaderTest {

  @Test
  void load_embeddedDemoSeed() {
    FleetState seed = TestTopologies.demoSeed();

    assertThat(seed.workloads()).containsKey(WorkloadId.parse("agt-echo-demo"));
    assertThat(seed.workloads().get(WorkloadId.parse("agt-echo-demo")).isPublic()).isTrue();
    assertThat(seed.replicas()).hasSize(1);
  }

  @Test
  void load_unknownRegion_isRefusedNamingCatalog() {
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-a-demo, regions: [mars-1]}\n", "s.yaml", TestTopologies.local()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("workloads[0] (agt-a-demo).regions: 'mars-1'")
        .hasMessageContaining("eu-lon-1");
  }

  @Test
  void load_malformedId_isRefusedWithGrammarReason() {
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-demo, regions: [eu-lon-1]}\n", "s.yaml", TestTopologies.local()))
        .hasMessageContaining("missing-workspace");
  }

  @Test
  void load_replicaOutsideDeployment_isRefused() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - id: agt-a-demo
            regions: [eu-lon-1]
            replicas: [{region: eu-par-1, address: 127.0.0.1:1}]
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("replicas[0].region: 'eu-par-1'");
  }

  @Test
  void load_duplicateWorkload_isRefused() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - {id: agt-a-demo, regions: [eu-lon-1]}
          - {id: agt-a-demo, regions: [eu-par-1]}
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("workload defined twice");
  }
}
