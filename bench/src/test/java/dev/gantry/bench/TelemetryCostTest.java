package dev.gantry.bench;

import static dev.gantry.bench.Rows.row;
import static dev.gantry.bench.Rows.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.gantry.bench.Report.Row;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryCostTest {

  private static final String P50 = "hop added at 1k req/s, p50 µs";
  private static final String CPU = "CPU the hop adds per request, µs (Envoy and the authz-service)";

  private final Row base = row("a", "Envoy, no auth", 1000, 990, 1010, 2000, 8000, Map.of("envoy", 200.0, "echo", 80.0), 0);
  private final Row off = row("c", "Gantry ext_authz", 2000, 1990, 2010, 4000, 3000, Map.of("envoy", 450.0, "authz", 130.0), 0);

  private static Row on(double p50, double envoyUs, double authzUs, long errors) {
    return row("e", "Gantry ext_authz with telemetry on", p50, p50 - 10, p50 + 10, 4000, 3000,
        Map.of("envoy", envoyUs, "authz", authzUs, "prometheus", 40.0, "jaeger", 20.0), errors);
  }

  private static String verdictStartingWith(String md, String figure) {
    for (String line : md.split("\n")) {
      if (line.startsWith("| " + figure)) {
        String[] cells = line.split("\\|");
        return cells[cells.length - 1].trim();
      }
    }
    throw new AssertionError(figure + " not in " + md);
  }

  @Test
  void withinFivePercentOfTheHopMeets() {
    // added p50: off 1000 µs, on 1040 µs (+4 %); CPU: off 380 µs, on 395 µs (+3.9 %).
    String md = TelemetryCost.section(List.of(base, off, on(2040, 460, 135, 0)), base, null, null);
    assertEquals("meets", verdictStartingWith(md, P50));
    assertEquals("meets", verdict(md, CPU));
    assertTrue(md.contains("Prometheus 40, Jaeger 20"), md);
  }

  @Test
  void moreThanFivePercentFallsShortEitherWay() {
    // +6 % added p50.
    assertEquals("falls short", verdictStartingWith(TelemetryCost.section(List.of(base, off, on(2060, 460, 135, 0)), base, null, null), P50));
    // 6 % less CPU is not "within" either: the figures differ.
    assertEquals("falls short", verdict(TelemetryCost.section(List.of(base, off, on(2000, 430, 127, 0)), base, null, null), CPU));
    // +6.6 % CPU.
    assertEquals("falls short", verdict(TelemetryCost.section(List.of(base, off, on(2000, 470, 135, 0)), base, null, null), CPU));
  }

  @Test
  void failedRequestsFallShort() {
    String md = TelemetryCost.section(List.of(base, off, on(2000, 450, 130, 2)), base, null, null);
    assertEquals("falls short: 2 requests not answered 2xx", verdictStartingWith(md, P50));
  }

  @Test
  void noSectionWithoutBothSetups() {
    assertEquals("", TelemetryCost.section(List.of(base, off), base, null, null));
  }

  @Test
  void theToolsAnswersAreShownAsEvidence() {
    var targets = JsonParser.parseString("""
        {"status":"success","data":{"activeTargets":[{"health":"up"},{"health":"up"},{"health":"down"}]}}""").getAsJsonObject();
    var traces = JsonParser.parseString("{\"data\":[{\"traceID\":\"1\"},{\"traceID\":\"2\"}]}").getAsJsonObject();
    String md = TelemetryCost.section(List.of(base, off, on(2000, 450, 130, 0)), base, targets, traces);
    assertTrue(md.contains("Prometheus scraped 2 of 3 targets successfully"), md);
    assertTrue(md.contains("Jaeger held 2 traces"), md);
  }

  @Test
  void withinIsSymmetricAndRefusesNotANumber() {
    assertTrue(TelemetryCost.within(105, 100));
    assertTrue(TelemetryCost.within(95, 100));
    assertFalse(TelemetryCost.within(105.1, 100));
    assertFalse(TelemetryCost.within(Double.NaN, 100));
    assertFalse(TelemetryCost.within(100, Double.NaN));
  }
}
