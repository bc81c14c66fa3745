package dev.gantry.e2e;

import dev.gantry.telemetry.PrometheusText;
import java.util.List;
import java.util.Map;

/** One scrape of a metrics endpoint, read as the tests assert on it ({@link PrometheusText}). */
record Metrics(PrometheusText text) {

  static Metrics parse(String text) {
    return new Metrics(PrometheusText.parse(text));
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels} (0 when none). */
  double value(String name, Map<String, String> labels) {
    return text.sum(name, labels);
  }

  double value(String name) {
    return value(name, Map.of());
  }

  /** The samples named {@code name}: for a failing assertion's message. */
  List<PrometheusText.Sample> named(String name) {
    return text.named(name);
  }
}
