package dev.gantry.bench;

import dev.gantry.bench.Report.Row;
import dev.gantry.bench.Report.Spread;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The authorization hop's targets (docs/architecture.md, "Performance targets"), judged for each
 * Gantry setup of one run against the setups measured beside it: a) Envoy without auth (the
 * baseline every "added" figure is over), b) {@code jwt_authn} and f) the floor (a Check service
 * that does no work, wired like Gantry's). A target made of parts meets only when every part is
 * measured and holds; a part that falls short decides it; a part not measured, or whose
 * denominator the repeats do not put clearly above zero, leaves it "not judged".
 */
final class HopTargets {

  /** The floor setup: a constant OK behind the sidecar's transport (gantry-bench floor-authz). */
  static final String FLOOR = "f";
  /** Telemetry on: judged by its own comparison ({@link TelemetryCost}), not here. */
  static final String TELEMETRY_ON = "e";
  /** Processes a setup's hop CPU leaves out: the workload, and the telemetry's own tools. */
  private static final Set<String> NOT_THE_HOP = Set.of("echo", "prometheus", "jaeger");

  private HopTargets() {}

  /** One part of a target: what was measured, and whether it holds (null: not judged, {@code why}). */
  private record Part(String shown, Boolean holds, String why) {}

  static String section(List<Row> rows, Row base) {
    StringBuilder t = new StringBuilder("## Against the targets (docs/architecture.md, Performance targets)\n\n"
        + "A verdict is computed from this run's numbers against the whole target. A setup with failed requests "
        + "cannot meet; where part of a target is not measured by this run, a pass of the other part is \"not judged\". "
        + "Ratios divide what a setup adds over " + base.setup() + ") by what the other setup adds over it.\n\n"
        + "| figure | target | measured | verdict |\n|---|---|---|---|\n");
    Row jwtAuthn = rows.stream().filter(x -> x.label().contains("jwt_authn")).findFirst().orElse(null);
    Row floor = rows.stream().filter(x -> x.setup().equals(FLOOR)).findFirst().orElse(null);
    for (Row r : rows) {
      if (!r.label().startsWith("Gantry") || r.setup().equals(TELEMETRY_ON)) {
        continue;
      }
      String who = r.setup() + ")";
      long errors = r.errors() + base.errors();
      double addedP50 = r.p50().median() - base.p50().median();
      double addedP99 = r.p99().median() - base.p99().median();
      Part toFloor = ratio(addedP50, addedP50Spread(floor, base), 1.2, "the floor's", floor == null ? null : floor.setup());
      Part toJwt = ratio(addedP50, addedP50Spread(jwtAuthn, base), 2, "jwt_authn's", jwtAuthn == null ? null : jwtAuthn.setup());
      t.append(Report.line(who + " authz hop added at 1k req/s, p50", "≤ 1.2× the floor's and ≤ 2× jwt_authn's added p50",
          Report.fmt(addedP50) + " µs; " + toFloor.shown() + "; " + toJwt.shown(),
          judge(List.of(toFloor, toJwt), errors + errorsOf(floor) + errorsOf(jwtAuthn))));
      t.append(Report.line(who + " authz hop added at 1k req/s, p99", "≤ 1,000 µs over a) Envoy without auth",
          Report.fmt(addedP99) + " µs", Verdict.of(addedP99 <= 1000, errors)));
      t.append(Report.line(who + " authz hop added at 1k req/s, p50 (stretch)", "≤ 150 µs",
          Report.fmt(addedP50) + " µs", Verdict.of(addedP50 <= 150, errors)));
      double addedCpu = hopCpuUs(r) - hopCpuUs(base);
      Part cpuFloor = floor == null ? new Part("the floor: not measured", null, "the floor is not measured")
          : ratio(addedCpu, Spread.exactly(hopCpuUs(floor) - hopCpuUs(base)), 1.2, "the floor's", floor.setup());
      t.append(Report.line(who + " CPU the hop adds per request (every process of the hop, over a)", "≤ 150 µs and ≤ 1.2× the floor's",
          Report.fmt(addedCpu) + " µs; " + cpuFloor.shown(),
          judge(List.of(new Part("", addedCpu <= 150, null), cpuFloor), errors + errorsOf(floor))));
      double share = r.satRps().median() / base.satRps().median();
      String ofFloor = floor == null || !(floor.satRps().median() > 0) ? ""
          : String.format(Locale.ROOT, " (the floor: %.0f %%; %.2f× the floor's throughput)",
              floor.satRps().median() / base.satRps().median() * 100, r.satRps().median() / floor.satRps().median());
      t.append(Report.line(who + " throughput at saturation (2xx answers)", "≥ 55 % of " + base.setup() + ")",
          String.format(Locale.ROOT, "%.0f %%", share * 100) + ofFloor, base.satRps().median() > 0
              ? Verdict.of(share >= 0.55, errors) : Verdict.notJudged("no 2xx answers from " + base.setup() + ")")));
      if (!Double.isNaN(r.ttfP50().median())) {
        t.append(Report.line(who + " time-to-fetch p50", "≤ 300 µs", Report.fmt(r.ttfP50().median()) + " µs",
            Verdict.of(r.ttfP50().median() <= 300, r.errors())));
        t.append(Report.line(who + " time-to-fetch p99", "≤ 2,000 µs", Report.fmt(r.ttfP99().median()) + " µs",
            Verdict.of(r.ttfP99().median() <= 2000, r.errors())));
      }
    }
    return t.toString();
  }

  /**
   * What {@code other} adds over the baseline at p50: the medians' difference, and its range
   * across the repeats (the other's fastest against the baseline's slowest, and so on); null when
   * the run has no such setup.
   */
  static Spread addedP50Spread(Row other, Row base) {
    return other == null ? null : new Spread(other.p50().median() - base.p50().median(),
        other.p50().min() - base.p50().max(), other.p50().max() - base.p50().min());
  }

  /**
   * {@code value} divided by {@code denominator} against {@code limit}: not judged when the
   * denominator is missing, or the repeats do not put it clearly above zero (nothing to divide by).
   */
  private static Part ratio(double value, Spread denominator, double limit, String whose, String setup) {
    if (denominator == null) {
      return new Part(whose + ": not measured", null, whose + " is not measured");
    }
    double d = denominator.median();
    if (!(d > 0) || !(denominator.min() > 0)) { // NaN included
      String noisy = whose + " (" + setup + ", " + Report.fmt(d) + " µs, repeats " + Report.fmt(denominator.min()) + " to "
          + Report.fmt(denominator.max()) + " µs) is too noisy to divide by";
      return new Part(noisy, null, noisy);
    }
    double ratio = value / d;
    return new Part(String.format(Locale.ROOT, "%.2f× %s (%s) %s µs", ratio, whose, setup, Report.fmt(d)), ratio <= limit, null);
  }

  private static Verdict judge(List<Part> parts, long errors) {
    if (parts.stream().anyMatch(p -> Boolean.FALSE.equals(p.holds()))) {
      return Verdict.fallsShort(errors);
    }
    List<String> unjudged = new ArrayList<>();
    parts.stream().filter(p -> p.holds() == null).forEach(p -> unjudged.add(p.why()));
    return unjudged.isEmpty() ? Verdict.of(true, errors) : Verdict.partial(String.join("; ", unjudged), errors);
  }

  private static long errorsOf(Row r) {
    return r == null ? 0 : r.errors();
  }

  /** CPU microseconds per request of the hop's processes (Envoy, the authz service), in the 1,000 req/s phase. */
  static double hopCpuUs(Row r) {
    return r.cpuPer1k().entrySet().stream().filter(e -> !NOT_THE_HOP.contains(e.getKey()))
        .mapToDouble(Map.Entry::getValue).sum() * 1000; // s per 1,000 requests = ms per request; × 1,000: µs
  }
}
