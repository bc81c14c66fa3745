package dev.gantry.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns a results directory into {@code results.md}, {@code results.csv} and two PNG charts,
 * and prints the table. Every figure is the median over the repeats, with the spread (min–max
 * of the repeats) beside the ones the targets judge; every target is judged from the numbers
 * of this run, never from a constant.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Summarise a bench/run results directory.")
final class Report implements Callable<Integer> {

  @Option(names = "--results", required = true) Path results;
  @Option(names = "--baseline", defaultValue = "a", description = "setup the others are compared with") String baseline;

  /** One setup's figures, medians over repeats. */
  record Row(String setup, String label, Spread p50, Spread p90, Spread p99, Spread max, Spread satRps,
      Map<String, Double> cpuPer1k, long errors, Spread ttfP50, Spread ttfP99, Spread rttP50, Spread rttP99) {}

  /** A median and the range of the repeats around it. */
  record Spread(double median, double min, double max) {
    static Spread of(List<Double> values) {
      double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
      if (v.length == 0) {
        return new Spread(Double.NaN, Double.NaN, Double.NaN);
      }
      double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Spread(median, v[0], v[v.length - 1]);
    }

    static Spread exactly(double value) {
      return new Spread(value, value, value);
    }

    String show() {
      return Double.isNaN(median) ? "–" : fmt(median) + (min == max ? "" : " (" + fmt(min) + "–" + fmt(max) + ")");
    }
  }

  @Override
  public Integer call() throws Exception {
    List<RunResult> runs = new ArrayList<>();
    if (!Files.isDirectory(results.resolve("runs"))) {
      // A directory of one part only (e.g. bench/run's token floods run alone): its sections.
      StringBuilder md = new StringBuilder();
      md.append(section(results, "token-flood.json", Report::tokenFlood));
      md.append(section(results, "token-flood-repeated.json", Report::tokenFlood));
      Files.writeString(results.resolve("results.md"), md);
      System.out.println(md);
      return 0;
    }
    try (Stream<Path> metas = Files.list(results.resolve("runs"))) {
      for (Path meta : metas.filter(p -> p.toString().endsWith(".meta")).sorted().toList()) {
        runs.add(RunResult.read(meta));
      }
    }
    Map<String, List<RunResult>> bySetup = new TreeMap<>();
    runs.forEach(r -> bySetup.computeIfAbsent(r.setup(), k -> new ArrayList<>()).add(r));
    List<Row> rows = bySetup.values().stream().map(Report::row).toList();
    Row base = rows.stream().filter(r -> r.setup().equals(baseline)).findFirst().orElseThrow(
        () -> new IllegalStateException("no runs of baseline setup '" + baseline + "'"));

    StringBuilder md = new StringBuilder();
    md.append("## Through Envoy on loopback: 1,000 req/s (latency, µs) and saturation\n\n");
    md.append("| setup | p50 | p90 | p99 | max | added p50 | added p99 | saturation req/s | CPU s per 1k req | errors |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    StringBuilder csv = new StringBuilder(
        "setup,label,p50_us,p90_us,p99_us,max_us,added_p50_us,added_p99_us,sat_rps,errors,ttf_p50_us,ttf_p99_us,rtt_p50_us,rtt_p99_us\n");
    for (Row r : rows) {
      double addedP50 = r.p50().median() - base.p50().median();
      double addedP99 = r.p99().median() - base.p99().median();
      boolean reference = r == base || r.setup().equals("0");
      md.append("| ").append(r.setup()).append(") ").append(r.label())
          .append(" | ").append(r.p50().show()).append(" | ").append(fmt(r.p90().median()))
          .append(" | ").append(r.p99().show()).append(" | ").append(fmt(r.max().median()))
          .append(" | ").append(reference ? "–" : fmt(addedP50)).append(" | ").append(reference ? "–" : fmt(addedP99))
          .append(" | ").append(r.satRps().show()).append(" | ").append(cpu(r.cpuPer1k()))
          .append(" | ").append(r.errors()).append(" |\n");
      csv.append(String.join(",", r.setup(), '"' + r.label() + '"', num(r.p50().median()), num(r.p90().median()),
          num(r.p99().median()), num(r.max().median()), num(addedP50), num(addedP99), num(r.satRps().median()),
          String.valueOf(r.errors()), num(r.ttfP50().median()), num(r.ttfP99().median()),
          num(r.rttP50().median()), num(r.rttP99().median()))).append('\n');
    }
    md.append("\nFrom Envoy's access log (µs, 1,000 req/s phase): ");
    for (Row r : rows) {
      if (!Double.isNaN(r.ttfP50().median())) {
        md.append("\n- ").append(r.setup()).append(") round-trip p50 ").append(r.rttP50().show())
            .append(", p99 ").append(fmt(r.rttP99().median()))
            .append("; time-to-fetch p50 ").append(r.ttfP50().show()).append(", p99 ").append(r.ttfP99().show());
      }
    }
    md.append("\n\n").append(HopTargets.section(rows, base));
    md.append(TelemetryCost.section(rows, base, json(results, "telemetry-targets.json"), json(results, "telemetry-traces.json")));
    md.append(Tls.section(rows, results.resolve("tls")));
    Path check = results.resolve("check.json");
    if (Files.exists(check)) {
      JsonObject c = JsonParser.parseString(Files.readString(check)).getAsJsonObject();
      md.append("\n## The Check RPC alone (one HTTP/2 connection, ").append(c.get("concurrency").getAsInt())
          .append(" in flight), by transport\n\n")
          .append("| transport | calls/s | p50 µs | p90 µs | p99 µs | max µs | sidecar CPU µs per check | failures |\n")
          .append("|---|---|---|---|---|---|---|---|\n");
      md.append(checkRow("Unix socket (the default)", c));
      Path tcp = results.resolve("check-tcp.json");
      if (Files.exists(tcp)) {
        md.append(checkRow("TCP loopback", JsonParser.parseString(Files.readString(tcp)).getAsJsonObject()));
      }
    }
    md.append(section(results, "streams.json", Report::streams));
    md.append(Bursts.section(results));
    Path jmh = results.resolve("jmh.json");
    if (Files.exists(jmh)) {
      md.append(decision(JsonParser.parseString(Files.readString(jmh)).getAsJsonArray()));
    }
    md.append(section(results, "propagation.json", Report::propagation));
    md.append(section(results, "xds.json", Report::controlPlaneAtScale));
    md.append(section(results, "token-flood.json", Report::tokenFlood));
    md.append(section(results, "token-flood-repeated.json", Report::tokenFlood));
    md.append(section(results, "oversized-admin.json", Report::oversizedAdmin));
    md.append(section(results, "slow-subscribers.json", Report::slowSubscribers));
    md.append(notMeasured(results, rows));
    Files.writeString(results.resolve("results.md"), md);
    Files.writeString(results.resolve("results.csv"), csv);
    Charts.latency(rows, results.resolve("latency.png"));
    Charts.added(rows, base, results.resolve("added-latency.png"));
    System.out.println(md);
    return 0;
  }

  /** A JSON object the run saved, or null when it is missing or not an object (a tool that did not answer). */
  private static JsonObject json(Path results, String file) {
    try {
      com.google.gson.JsonElement e = JsonParser.parseString(Files.readString(results.resolve(file)));
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The section {@code render} makes of {@code file} (a JSON object) in the results, or nothing when the run made none. */
  private static String section(Path results, String file, java.util.function.Function<JsonObject, String> render)
      throws java.io.IOException {
    Path json = results.resolve(file);
    return Files.exists(json) ? render.apply(JsonParser.parseString(Files.readString(json)).getAsJsonObject()) : "";
  }

  private static String streams(JsonObject s) {
    StringBuilder t = new StringBuilder("\n## Long-lived streams through one gateway\n\n");
    t.append(String.format(Locale.ROOT,
        "%d SSE streams held %d s (one event a second) through one Gantry gateway, %d config pushes meanwhile: "
            + "%d not started, %d admitted, %d refused at admission, %d completed, **%d dropped**, %d stream resets in Envoy."
            + "%n%nMemory at the peak: ",
        s.get("streams").getAsLong(), s.get("hold_seconds").getAsInt(), s.get("config_pushes").getAsInt(),
        s.get("not_started").getAsLong(), s.get("admitted").getAsLong(), s.get("refused").getAsLong(),
        s.get("succeeded").getAsLong(), s.get("dropped").getAsLong(), s.get("envoy_resets").getAsLong()));
    List<String> parts = new ArrayList<>();
    s.getAsJsonObject("memory_at_peak").entrySet().forEach(e ->
        parts.add(e.getKey().replace("_rss_mib", "") + " " + fmt(e.getValue().getAsDouble()) + " MiB RSS"));
    t.append(String.join("; ", parts)).append(".\n");
    // Held at once: the peak Envoy counted (runs before it was recorded: the held count, which
    // streams queued behind the gateway's 100 per connection also reached).
    long held = s.has("peak_concurrent") ? Math.min(s.get("peak_concurrent").getAsLong(), s.get("held").getAsLong())
        : s.get("held").getAsLong();
    if (s.has("peak_concurrent")) {
      t.append(String.format(Locale.ROOT, "%nAt the peak, %,d streams were open at once in Envoy (%d client connections).%n",
          s.get("peak_concurrent").getAsLong(), s.get("client_connections").getAsLong()));
    }
    long cdsUpdates = s.get("envoy_cds_updates").getAsLong();
    long lost = s.get("not_started").getAsLong() + s.get("refused").getAsLong() + s.get("dropped").getAsLong()
        + s.get("envoy_resets").getAsLong();
    boolean pushesReached = cdsUpdates >= s.get("config_pushes").getAsInt();
    t.append(String.format(Locale.ROOT, "%nEnvoy took %d CDS updates meanwhile (%d pushes)%s.%n", cdsUpdates,
        s.get("config_pushes").getAsInt(), pushesReached ? "" : ": not every push reached it"));
    t.append("\n| figure | target | measured | verdict |\n|---|---|---|---|\n");
    t.append(line("concurrent streams through one gateway, " + s.get("config_pushes").getAsInt() + " config pushes meanwhile",
        "50,000, none refused or dropped",
        String.format(Locale.ROOT, "%,d of 50,000 held at once; %d not started, %d refused, %d dropped, %d reset", held,
            s.get("not_started").getAsLong(), s.get("refused").getAsLong(), s.get("dropped").getAsLong(),
            s.get("envoy_resets").getAsLong()),
        held >= 50_000 && pushesReached ? Verdict.of(lost == 0, 0)
            : new Verdict("falls short: " + String.format(Locale.ROOT, "%,d", held) + " of 50,000 held"
                + (lost == 0 ? ", none lost" : ", " + lost + " lost") + (pushesReached ? "" : ", pushes not all in Envoy"))));
    return t.toString();
  }

  /** JMH's sample-time percentiles of each DecisionBenchmark, against the decision targets. */
  private static String decision(com.google.gson.JsonArray benchmarks) {
    Map<String, double[]> byName = new LinkedHashMap<>();
    for (var element : benchmarks) {
      JsonObject b = element.getAsJsonObject();
      String name = b.get("benchmark").getAsString();
      JsonObject p = b.getAsJsonObject("primaryMetric").getAsJsonObject("scorePercentiles");
      byName.put(name.substring(name.lastIndexOf('.') + 1),
          new double[] {p.get("50.0").getAsDouble(), p.get("99.0").getAsDouble()});
    }
    StringBuilder t = new StringBuilder("\n## The decision inside the authz-service (JMH, one thread, no gRPC)\n\n"
        + "| decision | target | p50 µs | p99 µs | verdict |\n|---|---|---|---|---|\n");
    decisionRow(t, byName, "publicWorkload", "public workload, no credential", Double.NaN, Double.NaN);
    decisionRow(t, byName, "cachedJwt", "JWT verified before (cached)", 20, 200);
    decisionRow(t, byName, "firstSeenRs256", "first-seen JWT, RS256", 60, Double.NaN);
    decisionRow(t, byName, "firstSeenEs256", "first-seen JWT, ES256 (BouncyCastle)", 250, Double.NaN);
    decisionRow(t, byName, "firstSeenEd25519", "first-seen JWT, Ed25519 (BouncyCastle)", 120, Double.NaN);
    decisionRow(t, byName, "apiKey", "API key (hash + constant-time compare, every request)", 20, 200);
    decisionRow(t, byName, "signedEd25519", "signed request, Ed25519 (RFC 9421, every request)", 120, Double.NaN);
    decisionRow(t, byName, "signedP256", "signed request, ECDSA P-256 (RFC 9421, every request; no target of its own)",
        Double.NaN, Double.NaN);
    return t.toString();
  }

  private static void decisionRow(StringBuilder t, Map<String, double[]> byName, String key, String label,
      double p50Target, double p99Target) {
    double[] v = byName.get(key);
    if (v == null) {
      return; // listed under "Targets this run did not measure"
    }
    String target = Double.isNaN(p50Target) ? "–"
        : "p50 ≤ " + fmt(p50Target) + (Double.isNaN(p99Target) ? "" : ", p99 ≤ " + fmt(p99Target));
    String verdict = Double.isNaN(p50Target) ? "–"
        : (v[0] <= p50Target && (Double.isNaN(p99Target) || v[1] <= p99Target)) ? "meets" : "falls short";
    t.append("| ").append(label).append(" | ").append(target).append(" | ")
        .append(String.format(Locale.ROOT, "%.1f", v[0])).append(" | ")
        .append(String.format(Locale.ROOT, "%.1f", v[1])).append(" | ").append(verdict).append(" |\n");
  }

  private static String tokenFlood(JsonObject f) {
    int repeats = f.has("flood_repeats") ? f.get("flood_repeats").getAsInt() : 1;
    StringBuilder md = new StringBuilder(repeats == 1
            ? "\n## A flood of distinct valid tokens (gantry-bench token-flood)\n\n"
            : "\n## A flood of distinct valid tokens, each used " + repeats + " times (gantry-bench token-flood --flood-repeats "
                + repeats + ")\n\n")
        .append(f.get("flood_tokens").getAsInt()).append(" distinct valid Ed25519 tokens")
        .append(repeats == 1 ? "" : ", each checked " + repeats + " times in a row,")
        .append(" interleaved with the steady checks (").append(f.get("flood_per_steady").getAsInt())
        .append(" before each), against the ")
        .append("verified-token cache as the sidecar builds it (").append(f.get("capacity").getAsInt())
        .append(" tokens); the steady traffic: ").append(f.get("steady_tokens").getAsInt()).append(" tokens.\n\n")
        .append("| phase | steady hit rate | steady p50 µs | steady p99 µs | flood µs per check | tokens cached |\n|---|---|---|---|---|---|\n");
    for (String phase : List.of("before", "during_flood", "after")) {
      JsonObject p = f.getAsJsonObject(phase);
      md.append(String.format(Locale.ROOT, "| %s | %.4f | %.2f | %.2f | %.1f | %d |%n", phase.replace('_', ' '),
          p.get("steady_hit_rate").getAsDouble(), p.get("steady_us_p50").getAsDouble(), p.get("steady_us_p99").getAsDouble(),
          p.get("flood_us_mean").getAsDouble(), p.get("cache_size_after").getAsLong()));
    }
    double before = f.getAsJsonObject("before").get("steady_hit_rate").getAsDouble();
    double during = f.getAsJsonObject("during_flood").get("steady_hit_rate").getAsDouble();
    double after = f.getAsJsonObject("after").get("steady_hit_rate").getAsDouble();
    md.append(String.format(Locale.ROOT, "%nThe steady traffic's hit rate during the flood and after it, against before it: %s.%n",
        during >= before && after >= before ? "intact" : String.format(Locale.ROOT, "reduced (%.4f and %.4f of %.4f)", during, after, before)));
    return md.toString();
  }

  private static String oversizedAdmin(JsonObject a) {
    return "\n## Oversized admin requests (gantry-bench oversized-admin)\n\n"
        + a.get("requests").getAsInt() + " requests of " + a.get("request_mib").getAsInt() + " MiB, "
        + a.get("concurrency").getAsInt() + " at a time, with an operator's certificate: answered " + a.get("answers")
        + String.format(Locale.ROOT, "; the control plane's heap after a full GC %.0f MiB before, %.0f MiB after",
            a.get("heap_mib_before (after GC)").getAsDouble(), a.get("heap_mib_after (after GC)").getAsDouble())
        + " (this tool's own request included); the next call answered: " + a.get("next_call_answered")
        + ", nothing written: " + a.get("nothing_written") + ".\n";
  }

  private static String slowSubscribers(JsonObject s) {
    return "\n## Snapshot subscribers that stop reading (gantry-bench slow-subscribers)\n\n"
        + s.get("streams").getAsInt() + " Watch streams over " + s.get("connections").getAsInt()
        + " connections, each with a sidecar's certificate, read their complete update ("
        + s.get("complete_update_bytes").getAsLong() + " bytes, " + s.get("workloads").getAsInt()
        + " workloads) and then nothing, while " + s.get("updates_while_stalled").getAsInt()
        + " fleet changes pass. The control plane's memory, after a full GC:\n\n"
        + "| | heap MiB | Netty direct MiB |\n|---|---|---|\n"
        + String.format(Locale.ROOT, "| control plane alone | %.0f | |%n", s.get("heap_mib_control_plane_alone").getAsDouble())
        + String.format(Locale.ROOT, "| streams open | %.0f | %.0f |%n", s.get("heap_mib_streams_open").getAsDouble(),
            s.get("netty_direct_mib_streams_open").getAsDouble())
        + String.format(Locale.ROOT, "| after the changes | %.0f | %.0f |%n", s.get("heap_mib_after_updates").getAsDouble(),
            s.get("netty_direct_mib_after_updates").getAsDouble())
        + "\nA sidecar that reads, connecting afterwards, got version " + s.get("a_reading_sidecar_got_version").getAsLong()
        + " (current: " + s.get("current_version").getAsLong() + ").\n";
  }

  private static String propagation(JsonObject p) {
    JsonObject sidecars = p.getAsJsonObject("every_sidecar_ms");
    JsonObject envoys = p.getAsJsonObject("every_envoy_ms");
    double p99 = sidecars.get("p99").getAsDouble();
    return "\n## A write reaches every authz sidecar and every Envoy (gantry-bench propagation)\n\n"
        + p.get("writes").getAsInt() + " admin writes one at a time (a workload in every region created, then deleted), "
        + "each timed from the call until the control plane's fleet status shows every sidecar (" + p.get("sidecars").getAsInt()
        + ") serving it and every Envoy (" + p.get("envoys").getAsInt() + ", one per region: " + p.get("regions")
        + ") in sync with a config that reflects it; the status polled every " + p.get("poll_interval_ms").getAsDouble()
        + " ms, a sample taken when an answer arrives (so late by up to one status call, "
        + (p.has("status_call_ms_mean") ? fmt1(p.get("status_call_ms_mean").getAsDouble()) : "–")
        + " ms on average, plus that interval).\n\n| figure | target | measured | verdict |\n|---|---|---|---|\n"
        + line("write → every authz sidecar, p99 (p50 " + fmt1(sidecars.get("p50").getAsDouble()) + " ms, max "
            + fmt1(sidecars.get("max").getAsDouble()) + " ms)", "≤ 500 ms", fmt1(p99) + " ms", Verdict.of(p99 <= 500, 0))
        + line("write → every Envoy, p99 (p50 " + fmt1(envoys.get("p50").getAsDouble()) + " ms, max "
            + fmt1(envoys.get("max").getAsDouble()) + " ms)", "– (no target of its own; 1,000 Envoys: see below)",
            fmt1(envoys.get("p99").getAsDouble()) + " ms", new Verdict("–"));
  }

  /** The targets this run has no number for: listed, never judged. */
  private static String notMeasured(Path results, List<Row> rows) {
    List<String> missing = new ArrayList<>();
    if (rows.stream().noneMatch(r -> r.setup().equals(HopTargets.FLOOR))) {
      missing.add("the floor (a no-op Java ext_authz wired like Gantry's) and every target relative to it: no floor setup in this run");
    }
    if (rows.stream().noneMatch(r -> r.setup().equals(HopTargets.TELEMETRY_ON))) {
      missing.add("what telemetry costs the hop: no telemetry-on setup in this run");
    }
    if (!Files.exists(results.resolve("jmh.json"))) {
      missing.add("the decision inside the authz-service (JMH did not run or failed)");
    } else {
      try {
        String jmh = Files.readString(results.resolve("jmh.json"));
        for (String benchmark : List.of("cachedJwt", "firstSeenRs256", "firstSeenEs256", "firstSeenEd25519", "apiKey", "signedEd25519")) {
          if (!jmh.contains("DecisionBenchmark." + benchmark + "\"")) {
            missing.add("the decision benchmark " + benchmark + " (JMH did not report it: logs/jmh.log)");
          }
        }
      } catch (java.io.IOException e) {
        missing.add("the decision inside the authz-service (jmh.json unreadable: " + e.getMessage() + ")");
      }
    }
    if (!Files.exists(results.resolve("streams.json"))) {
      missing.add("concurrent streams through one gateway (full runs only, or the phase failed)");
    }
    if (Bursts.KINDS.stream().anyMatch(kind -> !Files.exists(results.resolve(kind.getKey())))) {
      missing.add("a burst through c)'s gateway (c) not in this run, or the burst failed: logs/burst-*.log)");
    }
    if (!Files.exists(results.resolve("xds.json"))) {
      missing.add("the control plane at scale: cold build, write → every region's snapshot, heap, xDS fan-out (full runs only, or the phase failed)");
    }
    if (!Files.exists(results.resolve("propagation.json"))) {
      missing.add("write → every authz sidecar (the phase failed: logs/propagation.log)");
    }
    return "\n## Targets this run did not measure\n\n" + String.join("\n", missing.stream().map(m -> "- " + m).toList()) + "\n";
  }

  private static String fmt1(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
  }

  /**
   * How the measured JVM ran the control plane: its initial heap, and whether it had the AOT
   * cache (given, and mapped: the JVM says "sharing" in {@code java.vm.info}; a cache it refuses
   * it reports on stderr and goes on without).
   */
  static String jvmNote(JsonObject scale) {
    if (!scale.has("jvm_arguments")) {
      return "";
    }
    List<String> args = new ArrayList<>();
    scale.getAsJsonArray("jvm_arguments").forEach(a -> args.add(a.getAsString()));
    boolean given = args.stream().anyMatch(a -> a.startsWith("-XX:AOTCache="));
    boolean mapped = scale.has("jvm_info") && scale.get("jvm_info").getAsString().contains("sharing");
    List<String> heap = args.stream().filter(a -> a.startsWith("-Xms")).toList();
    return (heap.isEmpty() ? "" : ", " + String.join(" ", heap))
        + (!given ? ", no AOT cache" : mapped ? ", the control plane's AOT cache" : ", its AOT cache refused by the JVM");
  }

  private static String controlPlaneAtScale(JsonObject xds) {
    JsonObject scale = xds.getAsJsonObject("scale");
    JsonObject fanout = xds.getAsJsonObject("fanout");
    double cold = scale.get("cold_build_ms_every_region").getAsDouble();
    int writes = scale.get("writes").getAsInt();
    double slowest = scale.get("write_to_every_region_snapshot_ms_max").getAsDouble();
    double fastest = scale.get("write_to_every_region_snapshot_ms_min").getAsDouble();
    double heap = scale.get("heap_mib_control_plane").getAsDouble();
    int history = scale.get("history_snapshots_per_region").getAsInt();
    int historyKept = scale.get("history_kept_per_region").getAsInt();
    int workloads = scale.get("workloads").getAsInt();
    int regions = scale.get("regions").getAsInt();
    // A p99 of 100 writes or more is judged as measured; from fewer, the slowest bounds it from
    // above and the fastest from below.
    boolean hasP99 = writes >= 100 && scale.has("write_to_every_region_snapshot_ms_p99");
    double writeP99 = hasP99 ? scale.get("write_to_every_region_snapshot_ms_p99").getAsDouble() : Double.NaN;
    Verdict writeVerdict = hasP99 ? Verdict.of(writeP99 <= 50, 0)
        : slowest <= 50 ? Verdict.of(true, 0)
        : fastest > 50 ? new Verdict("falls short: every write took longer")
        : Verdict.notJudged(writes + " writes cannot give a p99 between " + fmt(fastest) + " and " + fmt(slowest) + " ms");
    String writesMeasured = (hasP99 ? "p99 " + fmt1(writeP99) + " ms (p50 "
        + fmt1(scale.get("write_to_every_region_snapshot_ms_p50").getAsDouble()) + " ms), " : "")
        + "fastest " + fmt1(fastest) + " ms, slowest " + fmt1(slowest) + " ms";
    Verdict heapVerdict = heap > 1024 ? Verdict.fallsShort(0) : history >= historyKept ? Verdict.of(true, 0)
        : Verdict.notJudged(history + " of the " + historyKept + " snapshots a region keeps were held");
    return "\n## The control plane at scale (the control plane in one JVM, -Xmx" + fmt(scale.get("max_heap_mib").getAsDouble()) + "m"
        + jvmNote(scale) + (fanout.has("writes_clients_process") ? "; the simulated Envoys in a JVM of their own" : "") + ")\n\n"
        + "| figure | target | measured | verdict |\n|---|---|---|---|\n"
        + line(String.format(Locale.ROOT, "%,d workloads: cold build, start until all %d regions' snapshots are published",
            workloads, regions), "≤ 5,000 ms", fmt(cold) + " ms", Verdict.of(cold <= 5000, 0))
        + line(String.format(Locale.ROOT, "%,d workloads: one write → every region's new snapshot, %d writes one at a time"
            + " (workloads created and replicas registered, taking turns)", workloads, writes), "≤ 50 ms p99", writesMeasured,
            writeVerdict)
        + line(String.format(Locale.ROOT, "%,d workloads: the control plane's heap after a full GC (state, every region's "
            + "published snapshot with %d of history, the authz snapshot state; no Envoy or sidecar connected)", workloads, history),
            "≤ 1,024 MiB", fmt(heap) + " MiB", heapVerdict)
        + fanoutLine(fanout, "state-of-the-world ADS")
        + (xds.has("fanout_delta") ? fanoutLine(xds.getAsJsonObject("fanout_delta"), "delta ADS") : "")
        + (scale.has("heap_mib_after_publish_then_each_write")
            ? "\nThe heap after a full GC, once the state was published and then after each write, MiB: "
                + String.join(", ", scale.getAsJsonArray("heap_mib_after_publish_then_each_write").asList().stream()
                    .map(v -> fmt(v.getAsDouble())).toList()) + ".\n"
            : "");
  }

  /** A write reaching the simulated Envoys of one protocol: each protocol is judged on its own. */
  private static String fanoutLine(JsonObject fanout, String protocol) {
    double p99 = fanout.get("p99_ms").getAsDouble();
    return line("a write reaches " + fanout.get("clients").getAsInt() + " simulated Envoys (" + protocol
        + ", CDS; a state of 100 workloads), p99 over " + fanout.get("writes").getAsInt() + " writes × "
        + fanout.get("clients").getAsInt() + " Envoys (p50 " + fmt(fanout.get("p50_ms").getAsDouble()) + " ms)",
        "≤ 1,000 ms", fmt(p99) + " ms", Verdict.of(p99 <= 1000, 0));
  }

  static String line(String figure, String target, String measured, Verdict verdict) {
    return "| " + figure + " | " + target + " | " + measured + " | " + verdict.text() + " |\n";
  }

  private static Row row(List<RunResult> runs) {
    List<RunResult> rate = runs.stream().filter(r -> r.phase().equals("rate")).toList();
    List<RunResult> sat = runs.stream().filter(r -> r.phase().equals("sat")).toList();
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (RunResult r : rate) {
      r.cpuSeconds().forEach((process, seconds) ->
          cpu.merge(process, seconds / Math.max(1, r.requests()) * 1000 / rate.size(), Double::sum));
    }
    return new Row(runs.get(0).setup(), runs.get(0).label(),
        over(rate, r -> RunResult.percentile(r.latenciesUs(), 50)),
        over(rate, r -> RunResult.percentile(r.latenciesUs(), 90)),
        over(rate, r -> RunResult.percentile(r.latenciesUs(), 99)),
        over(rate, r -> RunResult.max(r.latenciesUs())),
        over(sat, RunResult::okRps),
        cpu,
        runs.stream().mapToLong(RunResult::errors).sum(),
        over(rate, r -> RunResult.percentile(r.ttfUs(), 50)),
        over(rate, r -> RunResult.percentile(r.ttfUs(), 99)),
        over(rate, r -> RunResult.percentile(r.rttUs(), 50)),
        over(rate, r -> RunResult.percentile(r.rttUs(), 99)));
  }

  private static Spread over(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
    return Spread.of(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  private static String cpu(Map<String, Double> cpu) {
    return cpu.isEmpty() ? "–" : String.join(", ", cpu.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.3f", e.getValue())).toList());
  }

  private static String checkRow(String transport, JsonObject c) {
    return String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s | %s | %d |%n", transport,
        c.get("rps").getAsDouble(), fmt(c.get("p50_us").getAsDouble()), fmt(c.get("p90_us").getAsDouble()),
        fmt(c.get("p99_us").getAsDouble()), fmt(c.get("max_us").getAsDouble()),
        c.has("sidecar_cpu_us_per_check") ? fmt(c.get("sidecar_cpu_us_per_check").getAsDouble()) : "–",
        c.get("failures").getAsLong());
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
  }

  static double[] medians(List<Row> rows, ToDoubleFunction<Row> f) {
    return rows.stream().mapToDouble(f).toArray();
  }

  static String[] labels(List<Row> rows) {
    return rows.stream().map(Row::setup).toArray(String[]::new);
  }

  /** The setups compared with the baseline: not the baseline, not the calibration setup 0. */
  static List<Row> nonBaseline(List<Row> rows, Row base) {
    return Arrays.stream(rows.toArray(Row[]::new)).filter(r -> r != base && !r.setup().equals("0")).toList();
  }
}
