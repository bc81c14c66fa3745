package dev.gantry.bench;

import dev.gantry.bench.Report.Row;
import dev.gantry.bench.Report.Spread;
import java.util.Map;

/** Rows of a made-up run, for the report's verdicts: latencies in µs, CPU in µs per request by process. */
final class Rows {

  private Rows() {}

  static Row row(String setup, String label, double p50, double p50Min, double p50Max, double p99, double satRps,
      Map<String, Double> cpuUsPerRequest, long errors) {
    Map<String, Double> cpuPer1k = new java.util.LinkedHashMap<>();
    cpuUsPerRequest.forEach((process, us) -> cpuPer1k.put(process, us / 1000)); // s per 1,000 requests
    return new Row(setup, label, new Spread(p50, p50Min, p50Max), Spread.exactly(p50 * 1.5), Spread.exactly(p99),
        Spread.exactly(p99 * 2), Spread.exactly(satRps), cpuPer1k, errors, Spread.exactly(Double.NaN),
        Spread.exactly(Double.NaN), Spread.exactly(Double.NaN), Spread.exactly(Double.NaN));
  }

  /** The verdict cell of the table line whose first cell is {@code figure}. */
  static String verdict(String markdown, String figure) {
    for (String line : markdown.split("\n")) {
      if (line.startsWith("| " + figure + " |")) {
        String[] cells = line.split("\\|");
        return cells[cells.length - 1].trim();
      }
    }
    throw new AssertionError("no line '" + figure + "' in:\n" + markdown);
  }
}
