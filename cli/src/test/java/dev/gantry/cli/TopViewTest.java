package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.telemetry.PrometheusText;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopViewTest {

  private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

  private static PrometheusText sidecar(int allowed, int refusedUnknown, int refusedExpired, int forwarded, long fastDecisions,
      long slowDecisions, int snapshotVersion) {
    return PrometheusText.parse("""
        gantry_authz_decisions_total{outcome="allow",reason="ok"} %d
        gantry_authz_decisions_total{outcome="deny",reason="unknown-workload"} %d
        gantry_authz_decisions_total{outcome="deny",reason="token-expired"} %d
        gantry_authz_decisions_total{outcome="forward",reason="ok"} %d
        gantry_authz_decision_duration_seconds_bucket{le="0.00001"} %d
        gantry_authz_decision_duration_seconds_bucket{le="0.0001"} %d
        gantry_authz_decision_duration_seconds_bucket{le="+Inf"} %d
        gantry_authz_snapshot_version %d
        """.formatted(allowed, refusedUnknown, refusedExpired, forwarded, fastDecisions, fastDecisions + slowDecisions,
        fastDecisions + slowDecisions, snapshotVersion));
  }

  private static PrometheusText envoy(long under1ms, long under5ms) {
    return PrometheusText.parse("""
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="gantry-authz",le="1"} %d
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="gantry-authz",le="5"} %d
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="gantry-authz",le="+Inf"} %d
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="local-workloads",le="1"} 99999
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="local-workloads",le="+Inf"} 99999
        """.formatted(under1ms, under1ms + under5ms, under1ms + under5ms));
  }

  private static final PrometheusText CONTROL_PLANE = PrometheusText.parse("""
      gantry_controlplane_state_version 12
      gantry_controlplane_region_state_version{region="eu-lon-1"} 12
      gantry_controlplane_region_state_version{region="eu-par-1"} 11
      gantry_controlplane_envoys_connected{region="eu-lon-1"} 1
      gantry_controlplane_envoys_connected{region="eu-par-1"} 2
      gantry_controlplane_envoys_refusing{region="eu-par-1"} 1
      gantry_controlplane_xds_nacks_total{type="cluster"} 3
      gantry_controlplane_sidecars_connected{region="eu-lon-1"} 1
      gantry_controlplane_sidecars_connected{region="eu-par-1"} 1
      """);

  @Test
  void aRegion_showsItsRatesOverTheInterval_itsDecisionTime_andWhetherItIsInSync() {
    // Over 2 s: 100 allowed, 20 refused (15 unknown workload, 5 expired tokens), 10 forwarded;
    // of the 130 decisions, 120 took at most 10 µs and 10 up to 100 µs.
    TopView.Region london = new TopView.Region("eu-lon-1", sidecar(1000, 50, 0, 0, 1000, 50, 12),
        sidecar(1100, 65, 5, 10, 1120, 60, 12), envoy(1000, 0), envoy(1126, 4), null);

    String screen = TopView.render(NOW, 2.0, List.of(london), CONTROL_PLANE, null);

    String row = line(screen, "eu-lon-1");
    assertThat(row.split("\\s+")).containsSubsequence("eu-lon-1", "65.0", "10.0", "5.0");
    // p50: rank 65 of the 120 in the first 10 µs → 5.4 µs; p99: rank 128.7, 8.7 of the 10 in
    // (10, 100] µs → 88 µs.
    assertThat(row).contains("5 / 88");
    // Envoy's round trip to gantry-authz: 126 within 1 ms, 4 within 5 ms → p99 in (1, 5] ms.
    assertThat(row).contains("≤ 3.7 ms");
    assertThat(row).contains("12 ok");
    assertThat(line(screen, "refused by reason")).contains("unknown-workload 7.5", "token-expired 2.5");
    assertThat(line(screen, "control plane")).contains("state 12", "NACKs 3", "sidecars 2");
  }

  @Test
  void aRegionBehind_orRefusingConfig_saysSo() {
    TopView.Region paris = new TopView.Region("eu-par-1", sidecar(0, 0, 0, 0, 0, 0, 11), sidecar(0, 0, 0, 0, 0, 0, 11),
        null, null, null);

    String row = line(TopView.render(NOW, 1.0, List.of(paris), CONTROL_PLANE, null), "eu-par-1");

    assertThat(row).contains("11 behind").contains("2 NACK");
    // No decisions in the interval: no decision time, and no round trip without Envoy's figures.
    assertThat(row.split("\\s+")).containsSubsequence("0.0", "0.0", "0.0", "–", "–");
    assertThat(line(TopView.render(NOW, 1.0, List.of(paris), CONTROL_PLANE, null), "refused by reason")).endsWith("none");
  }

  @Test
  void anEndpointThatCannotBeRead_isNamed_andTheRestIsStillShown() {
    TopView.Region us = new TopView.Region("us-pdx-1", null, null, null, null,
        "https://127.0.0.1:19103/metrics: Connection refused");
    TopView.Region london = new TopView.Region("eu-lon-1", sidecar(0, 0, 0, 0, 0, 0, 12), sidecar(10, 0, 0, 0, 10, 0, 12),
        null, null, null);

    String screen = TopView.render(NOW, 1.0, List.of(us, london), null, "https://127.0.0.1:19100/metrics: Connection refused");

    assertThat(line(screen, "us-pdx-1")).contains("unreachable", "19103", "Connection refused");
    assertThat(line(screen, "eu-lon-1").split("\\s+")).containsSubsequence("eu-lon-1", "10.0");
    // Without the control plane, versions cannot be compared: unknown, not "ok".
    assertThat(line(screen, "eu-lon-1")).doesNotContain("ok").contains("?");
    assertThat(line(screen, "control plane")).contains("unreachable", "19100");
  }

  private static String line(String screen, String start) {
    return screen.lines().filter(l -> l.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting " + start + " in\n" + screen));
  }
}
