package dev.gantry.bench;

import java.util.List;

/** Nearest-rank percentiles, the one definition every figure of the bench uses. */
final class Percentiles {

  private Percentiles() {}

  /** The p-th percentile (0–100) of ascending {@code sorted} values; NaN when there are none. */
  static double of(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** As {@link #of(double[], double)}, for values in any order. */
  static double of(List<Double> values, double p) {
    return of(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), p);
  }
}
