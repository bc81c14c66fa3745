package dev.gantry.controlplane.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaLeasesTest {

  private final AtomicLong now = new AtomicLong();
  private final FleetStore store = new FleetStore();
  private final List<FleetState> published = new ArrayList<>();
  private ReplicaLeases leases;
  private final Replica replica =
      new Replica(WorkloadId.parse("agt-echo-demo"), "eu-lon-1", HostPort.parse("127.0.0.1:18080"));

  @BeforeEach
  void setUp() {
    Deployments deployments = new Deployments(TestTopologies.local());
    store.update(state -> TestTopologies.demoSeed());
    store.subscribe(published::add);
    published.clear();
    leases = new ReplicaLeases(store, deployments, new MemoryLeaseBook(), now::get);
  }

  @Test
  void register_heartbeats_thenExpiry_writeOnlyWhenTheReplicaComesOrGoes() {
    assertThat(leases.register(replica, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(store.current().replicas()).contains(replica);

    for (int i = 0; i < 5; i++) {
      now.addAndGet(1_000);
      assertThat(leases.heartbeat(replica)).isEqualTo(Duration.ofSeconds(2));
      assertThat(leases.expire()).isEmpty();
    }
    assertThat(published).as("one write: the registration").hasSize(1);

    now.addAndGet(2_001);
    assertThat(leases.expire()).containsExactly(replica);
    assertThat(store.current().replicas()).doesNotContain(replica);
    assertThat(published).hasSize(2);
    assertThat(leases.heartbeat(replica)).as("expired: register again").isNull();
  }

  @Test
  void register_whereNotDeployed_isRefused_andLeasesNothing() {
    Replica stray = new Replica(WorkloadId.parse("agt-private-demo"), "us-pdx-1", HostPort.parse("127.0.0.1:1"));

    assertThatThrownBy(() -> leases.register(stray, Duration.ZERO)).hasMessageContaining("not deployed");
    assertThat(leases.isLeased(stray)).isFalse();
  }

  @Test
  void heartbeat_afterTheReplicaWasRemovedAnotherWay_asksToRegisterAgain() {
    leases.register(replica, Duration.ZERO);
    store.update(state -> state.withWorkloads(state.workloads(), List.of()));

    assertThat(leases.heartbeat(replica)).isNull();
  }

  @Test
  void deregister_removesAtOnce() {
    leases.register(replica, Duration.ZERO);
    leases.deregister(replica);

    assertThat(store.current().replicas()).doesNotContain(replica);
    assertThat(leases.isLeased(replica)).isFalse();
  }
}
