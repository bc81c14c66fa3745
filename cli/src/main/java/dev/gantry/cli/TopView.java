package dev.gantry.cli;

import dev.gantry.telemetry.PrometheusText;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code ./gantry top} shows, from two scrapes of each endpoint a second or so apart: per
 * region, decisions per second (refused and forwarded among them), the sidecar's decision time
 * (p50/p99), Envoy's round trip to its sidecar (p99, the hop a request pays), and whether the
 * sidecar's snapshot and the region's xDS config are the control plane's latest; then refusals by
 * reason and the control plane's figures. Pure: the command scrapes, this renders.
 */
final class TopView {

  private TopView() {}

  /** One region's endpoints, scraped twice ({@code null} where an endpoint could not be read). */
  record Region(String name, PrometheusText sidecarBefore, PrometheusText sidecarAfter, PrometheusText envoyBefore,
      PrometheusText envoyAfter, String problem) {}

  private static final String DECISIONS = "gantry_authz_decisions_total";
  private static final String DURATION = "gantry_authz_decision_duration_seconds";
  private static final String ENVOY_RTT = "envoy_cluster_upstream_rq_time";

  static String render(Instant now, double seconds, List<Region> regions, PrometheusText controlPlane, String controlPlaneProblem) {
    StringBuilder out = new StringBuilder();
    out.append("gantry top  ").append(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(String.format(Locale.ROOT, "  (rates over %.1f s; Ctrl-C quits)%n%n", seconds));
    out.append(String.format(Locale.ROOT, "%-10s %8s %9s %10s %17s %14s %10s %10s %7s%n", "region", "req/s", "refused/s",
        "forward/s", "decide p50/p99 µs", "authz rtt p99", "snapshot", "xDS", "envoys"));
    double state = controlPlane == null ? Double.NaN : controlPlane.sum("gantry_controlplane_state_version", Map.of());
    Map<String, Double> refusals = new TreeMap<>();
    for (Region region : regions) {
      if (region.sidecarAfter() == null || region.sidecarBefore() == null) {
        out.append(String.format(Locale.ROOT, "%-10s %s%n", region.name(), "unreachable: " + region.problem()));
        continue;
      }
      PrometheusText before = region.sidecarBefore();
      PrometheusText after = region.sidecarAfter();
      double all = rate(before, after, DECISIONS, Map.of(), seconds);
      double refused = rate(before, after, DECISIONS, Map.of("outcome", "deny"), seconds);
      double forwarded = rate(before, after, DECISIONS, Map.of("outcome", "forward"), seconds);
      double p50 = PrometheusText.quantile(0.5, before.buckets(DURATION, Map.of()), after.buckets(DURATION, Map.of())) * 1e6;
      double p99 = PrometheusText.quantile(0.99, before.buckets(DURATION, Map.of()), after.buckets(DURATION, Map.of())) * 1e6;
      String rtt = "–";
      if (region.envoyBefore() != null && region.envoyAfter() != null) {
        Map<String, String> authz = Map.of("envoy_cluster_name", "gantry-authz");
        double ms = PrometheusText.quantile(0.99, region.envoyBefore().buckets(ENVOY_RTT, authz), region.envoyAfter().buckets(ENVOY_RTT, authz));
        rtt = Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "≤ %.1f ms", ms);
      }
      double snapshot = after.sum("gantry_authz_snapshot_version", Map.of());
      double xds = controlPlane == null ? Double.NaN
          : controlPlane.sum("gantry_controlplane_region_state_version", Map.of("region", region.name()));
      double envoys = controlPlane == null ? Double.NaN
          : controlPlane.sum("gantry_controlplane_envoys_connected", Map.of("region", region.name()));
      double refusing = controlPlane == null ? 0
          : controlPlane.sum("gantry_controlplane_envoys_refusing", Map.of("region", region.name()));
      out.append(String.format(Locale.ROOT, "%-10s %8.1f %9.1f %10.1f %17s %14s %10s %10s %7s%n", region.name(), all, refused,
          forwarded, Double.isNaN(p50) ? "–" : String.format(Locale.ROOT, "%.0f / %.0f", p50, p99), rtt,
          sync(snapshot, state), sync(xds, state),
          Double.isNaN(envoys) ? "?" : String.format(Locale.ROOT, "%.0f%s", envoys, refusing > 0 ? " NACK" : "")));
      for (PrometheusText.Sample sample : after.named(DECISIONS)) {
        if ("deny".equals(sample.labels().get("outcome"))) {
          String reason = sample.labels().get("reason");
          double was = before.sum(DECISIONS, Map.of("outcome", "deny", "reason", reason));
          refusals.merge(reason, (sample.value() - was) / seconds, Double::sum);
        }
      }
    }
    out.append("\nrefused by reason (/s): ");
    refusals.values().removeIf(rate -> rate <= 0);
    out.append(refusals.isEmpty() ? "none" : String.join(", ", refusals.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList()));
    out.append('\n');
    if (controlPlane == null) {
      out.append("control plane: unreachable: ").append(controlPlaneProblem).append('\n');
    } else {
      out.append(String.format(Locale.ROOT, "control plane: state %.0f, NACKs %.0f, sidecars %.0f%n", state,
          controlPlane.sum("gantry_controlplane_xds_nacks_total", Map.of()),
          controlPlane.sum("gantry_controlplane_sidecars_connected", Map.of())));
    }
    return out.toString();
  }

  private static double rate(PrometheusText before, PrometheusText after, String name, Map<String, String> labels, double seconds) {
    return Math.max(0, after.sum(name, labels) - before.sum(name, labels)) / seconds;
  }

  /** A version beside the control plane's: "9 ok", "8 behind", or "?" when unknown. */
  private static String sync(double version, double state) {
    if (Double.isNaN(version) || Double.isNaN(state) || version == 0) {
      return "?";
    }
    return String.format(Locale.ROOT, "%.0f %s", version, version >= state ? "ok" : "behind");
  }
}
