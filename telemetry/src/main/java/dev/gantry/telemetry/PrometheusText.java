package dev.gantry.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text-format endpoint, as samples: names, labels and values (comments
 * and timestamps skipped) — what {@code ./gantry top} and the tests read from Gantry's and
 * Envoy's endpoints. Not a full implementation of the format: enough for counters, gauges and
 * histograms as OTel's exporter and Envoy write them.
 */
public record PrometheusText(List<Sample> samples) {

  /** One line: a metric name, its labels, its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+-?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /**
   * @throws IllegalArgumentException on a line that is neither a comment nor a sample
   */
  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      samples.add(new Sample(m.group(1), Map.copyOf(labels), value(m.group(3))));
    }
    return new PrometheusText(List.copyOf(samples));
  }

  /** A sample's value: a number, or {@code +Inf}, {@code -Inf}, {@code NaN} as the format spells them. */
  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels} (0 when none). */
  public double sum(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  /** The samples named {@code name}. */
  public List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /**
   * A histogram's cumulative bucket counts ({@code <name>_bucket}, summed over the series whose
   * labels include {@code labels}), by upper bound, ascending; {@code +Inf} last.
   */
  public Map<Double, Double> buckets(String name, Map<String, String> labels) {
    Map<Double, Double> buckets = new java.util.TreeMap<>(Comparator.naturalOrder());
    for (Sample s : named(name + "_bucket")) {
      String le = s.labels().get("le");
      if (le != null && s.labels().entrySet().containsAll(labels.entrySet())) {
        buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value(), Double::sum);
      }
    }
    return buckets;
  }

  /**
   * The {@code q} quantile of the observations counted between two scrapes' cumulative buckets
   * (as Prometheus's histogram_quantile: linear within the bucket it falls in; the largest finite
   * bound when it falls in +Inf); NaN when nothing was observed.
   */
  public static double quantile(double q, Map<Double, Double> before, Map<Double, Double> after) {
    List<double[]> deltas = new ArrayList<>();
    after.forEach((bound, count) -> deltas.add(new double[] {bound, count - before.getOrDefault(bound, 0.0)}));
    // Nothing scraped, or a counter went back (the process restarted): no quantile of the interval.
    if (deltas.isEmpty() || deltas.stream().anyMatch(d -> d[1] < 0)) {
      return Double.NaN;
    }
    double total = deltas.getLast()[1];
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (double[] bucket : deltas) {
      if (bucket[1] >= rank) {
        if (Double.isInfinite(bucket[0])) {
          return lowerBound;
        }
        double inBucket = bucket[1] - lowerCount;
        return inBucket <= 0 ? bucket[0] : lowerBound + (bucket[0] - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = bucket[0];
      lowerCount = bucket[1];
    }
    return lowerBound;
  }
}
