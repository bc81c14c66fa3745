package dev.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One load phase of one setup, as {@code bench/run} left it: a {@code .meta} file of
 * {@code key=value} lines naming the h2load outputs, the access log slice and the CPU seconds
 * each process used during the phase.
 *
 * <p>Latencies are every answered request's, whatever its status; {@code errors} counts every
 * request that was not a 2xx (h2load's failed requests — errored, timed out — and 3xx, 4xx,
 * 5xx answers), so a setup that answers fast with errors shows them instead of hiding them;
 * {@code okRps} is 2xx answers per second of the phase, never h2load's rate of all answers.
 * CPU seconds are read around the whole h2load run, its warm-up included, and scaled to the
 * main phase by time (the 1,000 req/s phase runs at a fixed rate throughout).
 */
record RunResult(
    String setup, String label, String phase, int repeat,
    long[] latenciesUs, long requests, long errors, double okRps,
    Map<String, Double> cpuSeconds, long[] rttUs, long[] ttfUs) {

  // h2load's rate: requests that completed (whatever their status) per second of the main phase.
  private static final Pattern RPS = Pattern.compile("finished in [^,]+, ([0-9.]+) req/s");
  private static final Pattern TIMING = Pattern.compile("with (\\d+)s of warm-up time and (\\d+)s of main duration");
  private static final Pattern RTT = Pattern.compile("\"rtt_us\":(\\d+)");
  private static final Pattern TTF = Pattern.compile("\"ttf_us\":(\\d+)");

  static RunResult read(Path meta) throws IOException {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(meta)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    Path dir = meta.getParent();
    long[] latencies = new long[0];
    long errors = 0;
    if (kv.containsKey("h2load_log")) {
      List<String[]> rows = Files.readAllLines(dir.resolve(kv.get("h2load_log"))).stream()
          .map(l -> l.split("\t")).filter(r -> r.length >= 3).toList();
      latencies = rows.stream().mapToLong(r -> Long.parseLong(r[2])).sorted().toArray();
      errors = rows.stream().filter(r -> !r[1].startsWith("2")).count();
    }
    String h2load = Files.readString(dir.resolve(kv.get("h2load_out")));
    Matcher rps = RPS.matcher(h2load);
    H2loadSummary summary = H2loadSummary.parse(h2load);
    long ok = 0;
    double okRps = 0;
    if (summary != null && rps.find()) {
      ok = summary.ok2xx();
      long succeeded = summary.succeeded();
      // h2load's "failed": answers that are not 2xx and streams ended by an error (errored, timed out).
      errors = Math.max(errors, summary.failed());
      okRps = succeeded == 0 ? 0 : Double.parseDouble(rps.group(1)) * ok / succeeded;
    } else {
      errors = Math.max(errors, 1); // h2load printed no summary: the phase failed
    }
    Matcher timing = TIMING.matcher(h2load);
    double mainShare = timing.find()
        ? Double.parseDouble(timing.group(2)) / (Double.parseDouble(timing.group(1)) + Double.parseDouble(timing.group(2)))
        : 1;
    Map<String, Double> cpu = new LinkedHashMap<>();
    kv.forEach((k, v) -> {
      if (k.startsWith("cpu_")) {
        cpu.put(k.substring(4), Double.parseDouble(v) * mainShare);
      }
    });
    long[] rtt = new long[0];
    long[] ttf = new long[0];
    if (kv.containsKey("access_log") && Files.exists(dir.resolve(kv.get("access_log")))) {
      List<String> lines = Files.readAllLines(dir.resolve(kv.get("access_log")));
      rtt = extract(lines, RTT);
      ttf = extract(lines, TTF);
    }
    return new RunResult(kv.get("setup"), kv.get("label"), kv.get("phase"), Integer.parseInt(kv.get("repeat")),
        latencies, ok, errors, okRps, cpu, rtt, ttf);
  }

  private static long[] extract(List<String> lines, Pattern field) {
    return lines.stream().map(field::matcher).filter(Matcher::find)
        .mapToLong(m -> Long.parseLong(m.group(1))).sorted().toArray();
  }

  /** The p-th percentile (0–100) of sorted values, nearest rank; NaN when there are none. */
  static double percentile(long[] sorted, double p) {
    return Percentiles.of(java.util.Arrays.stream(sorted).asDoubleStream().toArray(), p);
  }

  static double max(long[] sorted) {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }
}
