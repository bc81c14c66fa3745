package dev.gantry.controlplane.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticFleetTest {

  private static final List<String> REGIONS = List.of("eu-lon-1", "eu-par-1", "us-pdx-1");

  @Test
  void spread_placesEachWorkloadInOneRegion_inTurn_withOneReplicaThere() {
    FleetState state = SyntheticFleet.spread(7, REGIONS);

    assertThat(state.workloads()).hasSize(7);
    assertThat(state.replicas()).hasSize(7);
    Workload fourth = state.workloads().get(WorkloadId.parse("agt-w4-bench"));
    assertThat(fourth.regions()).containsExactly("eu-par-1");
    assertThat(fourth.isPublic()).isTrue();
    assertThat(state.workloads().get(WorkloadId.parse("agt-w5-bench")).isPublic()).isFalse();
    assertThat(state.replicas()).contains(new Replica(fourth.id(), "eu-par-1", new HostPort("10.0.0.4", 8080)));
  }

  @Test
  void writes_createAWorkloadEverywhere_thenRegisterAReplicaOfIt_inTurn() {
    FleetState state = SyntheticFleet.spread(3, REGIONS);

    FleetState created = SyntheticFleet.write(state, 0, REGIONS);
    FleetState registered = SyntheticFleet.write(created, 1, REGIONS);

    WorkloadId written = WorkloadId.parse("agt-write0-bench");
    assertThat(SyntheticFleet.isReplica(0)).isFalse();
    assertThat(SyntheticFleet.isReplica(1)).isTrue();
    assertThat(created.workloads().get(written).regions()).containsExactlyElementsOf(REGIONS);
    assertThat(created.replicas()).hasSize(3);
    assertThat(registered.replicas()).contains(new Replica(written, "eu-lon-1", new HostPort("10.9.0.1", 8080)));
    assertThat(registered.replicas()).hasSize(4);
  }
}
