package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.model.Replica;
import dev.gantry.proto.admin.v1.EnvoyStatus;
import dev.gantry.proto.admin.v1.FleetStatus;
import dev.gantry.proto.admin.v1.GetStatusRequest;
import dev.gantry.proto.admin.v1.StatusServiceGrpc;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet status view (issue 5) with the real Envoy: who is connected, what each acknowledged,
 * and a config Envoy refuses — shown with Envoy's reason, never replacing the last good one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetStatusIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;

  @BeforeAll
  static void start() {
    stack = STACKS.stack();
    admin = stack.admin();
  }


  private static FleetStatus status() {
    return StatusServiceGrpc.newBlockingStub(admin).getStatus(GetStatusRequest.getDefaultInstance());
  }

  private static FleetStatus awaitStatus(String what, Predicate<FleetStatus> done) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    FleetStatus status = status();
    while (!done.test(status)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s: " + what + "\n" + status);
      }
      TimeUnit.MILLISECONDS.sleep(100);
      status = status();
    }
    return status;
  }

  @Order(1)
  @Test
  void status_showsTheEnvoyAndTheSidecar_inSync() throws Exception {
    FleetStatus status = awaitStatus("envoy and sidecar in sync", s ->
        s.getEnvoysCount() == 1 && s.getEnvoys(0).getInSync() && s.getSidecarsCount() == 1 && s.getSidecars(0).getInSync()
            && s.getXdsStateVersionsMap().values().stream().allMatch(v -> v == s.getStateVersion()));

    EnvoyStatus envoy = status.getEnvoys(0);
    assertThat(envoy.getRegion()).isEqualTo("eu-lon-1");
    assertThat(envoy.getAckedMap()).containsKeys("listeners", "routes", "clusters", "endpoints");
    assertThat(envoy.getRejectionsList()).isEmpty();
    assertThat(status.getSidecars(0).getServingVersion()).isEqualTo(status.getStateVersion());
    assertThat(status.getXdsStateVersionsMap()).as("every region's published config reflects the current state")
        .containsOnlyKeys("eu-lon-1", "eu-par-1", "us-pdx-1");

    // The same, as the control plane's metrics show it to Prometheus.
    Metrics metrics = stack.scrapeControlPlane();
    assertThat(metrics.value("gantry_controlplane_envoys_connected", Map.of("region", "eu-lon-1"))).isEqualTo(1.0);
    assertThat(metrics.value("gantry_controlplane_envoys_connected", Map.of("region", "eu-par-1"))).isZero();
    assertThat(metrics.value("gantry_controlplane_sidecars_connected", Map.of("region", "eu-lon-1"))).isEqualTo(1.0);
    assertThat(metrics.value("gantry_controlplane_envoys_refusing")).isZero();
    assertThat(metrics.value("gantry_controlplane_region_state_version", Map.of("region", "eu-lon-1")))
        .isEqualTo(metrics.value("gantry_controlplane_state_version"));
    for (String type : List.of("listeners", "routes", "clusters", "endpoints")) {
      assertThat(metrics.value("gantry_controlplane_xds_acks_total", Map.of("type", type))).as(type).isPositive();
    }
    assertThat(metrics.value("gantry_controlplane_xds_nacks_total")).isZero();
    // The catalog's certificate, issued by the stack's local CA for 7 days: days left, none expiring.
    assertThat(metrics.value("gantry_controlplane_certificates_expiry_seconds", Map.of("kind", "catalog")))
        .isBetween(6 * 86400.0, 7 * 86400.0);
    assertThat(metrics.value("gantry_controlplane_certificates_expiring", Map.of("kind", "catalog"))).isZero();
    assertThat(metrics.named("gantry_controlplane_certificates_expiry_seconds"))
        .as("no custom domain, no domain figure").noneMatch(sample -> "domain".equals(sample.labels().get("kind")));
    assertThat(metrics.value("gantry_controlplane_admin_calls_total",
        Map.of("method", "gantry.admin.v1.StatusService/GetStatus", "status", "OK"))).as("awaitStatus's calls").isPositive();
    // The seed's write, stored and then held by the Envoy (which was starting: a long first figure).
    assertThat(metrics.value("gantry_controlplane_store_write_duration_seconds_count")).isPositive();
    assertThat(metrics.value("gantry_controlplane_write_to_ack_duration_seconds_count")).as("held by every Envoy").isPositive();
    assertThat(metrics.value("gantry_controlplane_store_refusals_total", Map.of("reason", "already_exists"))).isZero();
    assertThat(metrics.named("gantry_controlplane_replica_leases")).as("a series per region").hasSize(3);
    assertThat(metrics.named("gantry_controlplane_replica_leases_expired_total")).hasSize(3);
  }

  @Order(2)
  @Test
  void aConfigEnvoyRefuses_showsWithItsReason_andNeverReplacesTheLastGoodOne() throws Exception {
    Metrics before = stack.scrapeControlPlane();
    Replica byName = new Replica(WorkloadId.parse("agt-echo-demo"), "eu-lon-1", HostPort.parse("echo.invalid:8080"));
    // Crafted past the admin API (which refuses a name where an IP belongs): EDS takes IPs only.
    stack.controlPlane.store().update(state -> {
      List<Replica> replicas = new ArrayList<>(state.replicas());
      replicas.add(byName);
      return state.withWorkloads(state.workloads(), replicas);
    });

    FleetStatus refused = awaitStatus("the refusal shows", s ->
        s.getEnvoysCount() == 1 && s.getEnvoys(0).getRejectionsCount() > 0);
    assertThat(refused.getEnvoys(0).getRejections(0).getType()).isEqualTo("endpoints");
    assertThat(refused.getEnvoys(0).getRejections(0).getReason()).containsIgnoringCase("echo.invalid");
    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/");
    assertThat(response.status()).as("the last good config keeps serving").isEqualTo(200);
    FleetStatus reverted = awaitStatus("the region back on the config its Envoy accepted", s ->
        s.getEnvoysCount() == 1 && s.getEnvoys(0).getInSync());
    assertThat(reverted.getXdsStateVersionsOrThrow("eu-lon-1"))
        .as("the region does not claim the state its Envoy refused").isLessThan(reverted.getStateVersion());
    long rejectionsBefore = stack.envoyStat("cluster_manager.cds.update_rejected")
        + stack.envoyStat("cluster.agt-echo-demo@eu-lon-1.update_rejected");
    Thread.sleep(1_000);
    long rejectionsAfter = stack.envoyStat("cluster_manager.cds.update_rejected")
        + stack.envoyStat("cluster.agt-echo-demo@eu-lon-1.update_rejected");
    assertThat(rejectionsAfter - rejectionsBefore).as("the refused config is not sent again in a loop").isLessThanOrEqualTo(1);
    Metrics after = stack.scrapeControlPlane();
    assertThat(after.value("gantry_controlplane_xds_nacks_total", Map.of("type", "endpoints"))
        - before.value("gantry_controlplane_xds_nacks_total", Map.of("type", "endpoints")))
        .as("the refusal, counted where an alert can see it").isPositive();
    assertThat(after.value("gantry_controlplane_xds_nacks_total") - before.value("gantry_controlplane_xds_nacks_total"))
        .as("nothing else refused").isEqualTo(after.value("gantry_controlplane_xds_nacks_total", Map.of("type", "endpoints"))
            - before.value("gantry_controlplane_xds_nacks_total", Map.of("type", "endpoints")));

    stack.controlPlane.store().update(state -> state.withWorkloads(state.workloads(),
        state.replicas().stream().filter(r -> !r.equals(byName)).toList()));
    FleetStatus fixed = awaitStatus("in sync and the refusal cleared once the bad replica is gone", s ->
        s.getEnvoysCount() == 1 && s.getEnvoys(0).getInSync() && s.getEnvoys(0).getRejectionsCount() == 0
            && s.getXdsStateVersionsOrDefault("eu-lon-1", 0) == s.getStateVersion());
    assertThat(fixed.getEnvoys(0).getAckedMap()).isNotEmpty();
  }
}
