package dev.gantry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  private static final String SCRAPE = """
      # HELP gantry_authz_decisions_total Decisions
      # TYPE gantry_authz_decisions_total counter
      gantry_authz_decisions_total{outcome="allow",reason="ok",region="eu-lon-1"} 7.0
      gantry_authz_decisions_total{outcome="deny",reason="unknown-workload",region="eu-lon-1"} 2.0
      gantry_authz_decisions_total{outcome="deny",reason="bad \\"quoted\\" \\\\ reason",region="eu-lon-1"} 1.0 1733100000000
      envoy_server_live 1
      """;

  @Test
  void sum_addsTheSamplesWhoseLabelsIncludeTheOnesAsked() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.sum("gantry_authz_decisions_total", Map.of())).isEqualTo(10.0);
    assertThat(text.sum("gantry_authz_decisions_total", Map.of("outcome", "deny"))).isEqualTo(3.0);
    assertThat(text.sum("gantry_authz_decisions_total", Map.of("outcome", "deny", "reason", "unknown-workload"))).isEqualTo(2.0);
    assertThat(text.sum("gantry_authz_decisions_total", Map.of("outcome", "forward"))).isZero();
    assertThat(text.sum("envoy_server_live", Map.of())).isEqualTo(1.0);
  }

  @Test
  void labelValues_areUnescaped_andATimestampIsNotTheValue() {
    PrometheusText text = PrometheusText.parse(SCRAPE);

    assertThat(text.sum("gantry_authz_decisions_total", Map.of("reason", "bad \"quoted\" \\ reason"))).isEqualTo(1.0);
  }

  @Test
  void infinitiesAndNaN_areValues_andACounterThatWentBack_hasNoQuantile() {
    PrometheusText text = PrometheusText.parse("g{a=\"1\"} +Inf\ng{a=\"2\"} -Inf\nh NaN\n");
    assertThat(text.sum("g", Map.of("a", "1"))).isInfinite();
    assertThat(text.sum("h", Map.of())).isNaN();

    var before = PrometheusText.parse("d_bucket{le=\"1\"} 10\nd_bucket{le=\"+Inf\"} 10\n").buckets("d", Map.of());
    var restarted = PrometheusText.parse("d_bucket{le=\"1\"} 2\nd_bucket{le=\"+Inf\"} 3\n").buckets("d", Map.of());
    assertThat(PrometheusText.quantile(0.5, before, restarted)).isNaN();
  }

  @Test
  void aLineThatIsNotASample_isRefused() {
    assertThatThrownBy(() -> PrometheusText.parse("gantry_x{outcome=\"allow\"}\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a sample line");
  }

  @Test
  void quantile_readsTheObservationsBetweenTwoScrapes_linearWithinTheirBucket() {
    PrometheusText before = PrometheusText.parse("""
        d_bucket{le="0.001"} 100
        d_bucket{le="0.002"} 100
        d_bucket{le="0.004"} 100
        d_bucket{le="+Inf"} 100
        """);
    // 100 more: 50 at most 1 ms, 40 between 1 and 2 ms, 10 between 2 and 4 ms.
    PrometheusText after = PrometheusText.parse("""
        d_bucket{le="0.001"} 150
        d_bucket{le="0.002"} 190
        d_bucket{le="0.004"} 200
        d_bucket{le="+Inf"} 200
        """);

    var b0 = before.buckets("d", Map.of());
    var b1 = after.buckets("d", Map.of());
    assertThat(PrometheusText.quantile(0.5, b0, b1)).isCloseTo(0.001, within(1e-12));
    assertThat(PrometheusText.quantile(0.7, b0, b1)).isCloseTo(0.0015, within(1e-12));
    assertThat(PrometheusText.quantile(0.95, b0, b1)).isCloseTo(0.003, within(1e-12));
    // Nothing new between a scrape and itself: no quantile, not the old observations'.
    assertThat(PrometheusText.quantile(0.5, b1, b1)).isNaN();
  }

  @Test
  void quantile_inTheInfiniteBucket_isTheLargestFiniteBound() {
    var none = PrometheusText.parse("d_bucket{le=\"0.5\"} 0\nd_bucket{le=\"+Inf\"} 0\n").buckets("d", Map.of());
    var slow = PrometheusText.parse("d_bucket{le=\"0.5\"} 1\nd_bucket{le=\"+Inf\"} 10\n").buckets("d", Map.of());

    assertThat(PrometheusText.quantile(0.99, none, slow)).isEqualTo(0.5);
  }

  @Test
  void buckets_sumTheSeriesThatMatch_only() {
    PrometheusText text = PrometheusText.parse("""
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="gantry-authz",le="1"} 3
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="gantry-authz",le="+Inf"} 4
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="workload",le="1"} 50
        envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="workload",le="+Inf"} 60
        """);

    assertThat(text.buckets("envoy_cluster_upstream_rq_time", Map.of("envoy_cluster_name", "gantry-authz")))
        .containsExactly(Map.entry(1.0, 3.0), Map.entry(Double.POSITIVE_INFINITY, 4.0));
  }
}
