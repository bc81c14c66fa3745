package dev.gantry.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.bench.Report.Row;
import java.util.Locale;

/**
 * What telemetry costs the hop: c) (telemetry off: no metrics endpoint, no exporter, no decision
 * log) against e) (the same gateway with it on, as an operator runs it: Prometheus scraping the
 * sidecar, the control plane and Envoy, 1 % of traces to Jaeger, the decision log). The target:
 * the hop's added latency and its CPU per request within 5 % of each other, from one run.
 */
final class TelemetryCost {

  static final String OFF = "c";
  static final double WITHIN = 0.05;

  private TelemetryCost() {}

  /**
   * The section for {@code rows}, or nothing when the run has no e). {@code targets} and
   * {@code traces} are Prometheus' and Jaeger's answers after the phases (null when missing): the
   * evidence that e)'s telemetry was working, not just configured.
   */
  static String section(java.util.List<Row> rows, Row base, JsonObject targets, JsonObject traces) {
    Row off = rows.stream().filter(r -> r.setup().equals(OFF)).findFirst().orElse(null);
    Row on = rows.stream().filter(r -> r.setup().equals(HopTargets.TELEMETRY_ON)).findFirst().orElse(null);
    if (off == null || on == null) {
      return "";
    }
    long errors = off.errors() + on.errors() + base.errors();
    double p50Off = off.p50().median() - base.p50().median();
    double p50On = on.p50().median() - base.p50().median();
    double p99Off = off.p99().median() - base.p99().median();
    double p99On = on.p99().median() - base.p99().median();
    double cpuOff = HopTargets.hopCpuUs(off) - HopTargets.hopCpuUs(base);
    double cpuOn = HopTargets.hopCpuUs(on) - HopTargets.hopCpuUs(base);
    StringBuilder t = new StringBuilder("\n## What telemetry costs the hop (" + OFF + ") off, " + on.setup() + ") on)\n\n"
        + on.setup() + ") is " + OFF + ")'s gateway with telemetry on; both judged over " + base.setup() + "). "
        + "The target: within " + Math.round(WITHIN * 100) + " % of each other.\n\n"
        + "| figure | off (" + OFF + ") | on (" + on.setup() + ") | on against off | target | verdict |\n|---|---|---|---|---|---|\n");
    t.append(row("hop added at 1k req/s, p50 µs (repeats of off / on: " + spread(off, base) + " / " + spread(on, base) + ")",
        p50Off, p50On, Verdict.of(within(p50On, p50Off), errors)));
    t.append(row("hop added at 1k req/s, p99 µs", p99Off, p99On, new Verdict("– (no target of its own)")));
    t.append(row("CPU the hop adds per request, µs (Envoy and the authz-service)", cpuOff, cpuOn,
        Verdict.of(within(cpuOn, cpuOff), errors)));
    Double prometheus = on.cpuPer1k().get("prometheus");
    Double jaeger = on.cpuPer1k().get("jaeger");
    t.append(String.format(Locale.ROOT, "%nThe telemetry's own tools, beside the hop (not part of it; in production they run"
            + " elsewhere), CPU µs per request: Prometheus %s, Jaeger %s.%n",
        prometheus == null ? "–" : Report.fmt(prometheus * 1000), jaeger == null ? "–" : Report.fmt(jaeger * 1000)));
    t.append("\nEvidence that it was on: ").append(targetsUp(targets)).append("; ").append(tracesHeld(traces)).append(".\n");
    return t.toString();
  }

  /** {@code on} within {@link #WITHIN} of {@code off} (either way); false when either is not a number. */
  static boolean within(double on, double off) {
    return Math.abs(on - off) <= WITHIN * Math.abs(off);
  }

  private static String row(String figure, double off, double on, Verdict verdict) {
    String change = off == 0 || Double.isNaN(off) || Double.isNaN(on) ? "–"
        : String.format(Locale.ROOT, "%+.1f %%", (on - off) / Math.abs(off) * 100);
    return "| " + figure + " | " + Report.fmt(off) + " | " + Report.fmt(on) + " | " + change + " | "
        + (verdict.text().startsWith("–") ? "–" : "within " + Math.round(WITHIN * 100) + " %") + " | " + verdict.text() + " |\n";
  }

  private static String spread(Row r, Row base) {
    Report.Spread s = HopTargets.addedP50Spread(r, base);
    return Report.fmt(s.min()) + "–" + Report.fmt(s.max());
  }

  private static String targetsUp(JsonObject targets) {
    if (targets == null || !targets.has("data")) {
      return "Prometheus' targets not read";
    }
    int up = 0;
    int all = 0;
    for (JsonElement target : targets.getAsJsonObject("data").getAsJsonArray("activeTargets")) {
      all++;
      if ("up".equals(target.getAsJsonObject().get("health").getAsString())) {
        up++;
      }
    }
    return "Prometheus scraped " + up + " of " + all + " targets successfully at the end";
  }

  private static String tracesHeld(JsonObject traces) {
    if (traces == null || !traces.has("data") || !traces.get("data").isJsonArray()) {
      return "Jaeger's traces not read";
    }
    return "Jaeger held " + traces.getAsJsonArray("data").size() + " traces with a Check span of e)'s sidecar";
  }
}
