package dev.gantry.bench;

import static dev.gantry.bench.Rows.row;
import static dev.gantry.bench.Rows.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.bench.Report.Row;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopTargetsTest {

  private static final String P50 = "c) authz hop added at 1k req/s, p50";
  private static final String CPU = "c) CPU the hop adds per request (every process of the hop, over a)";

  private final Row base = row("a", "Envoy, no auth", 1000, 990, 1010, 2000, 8000, Map.of("envoy", 200.0, "echo", 80.0), 0);
  private final Row jwtAuthn = row("b", "Envoy jwt_authn, RS256", 1300, 1290, 1310, 2300, 5000, Map.of("envoy", 270.0), 0);

  private Row gantry(double addedP50, double envoyUs, double authzUs) {
    return row("c", "Gantry ext_authz, private workload", 1000 + addedP50, 990 + addedP50, 1010 + addedP50, 2800, 4600,
        Map.of("envoy", envoyUs, "authz", authzUs, "echo", 80.0), 0);
  }

  private Row floor(double addedP50, double envoyUs, double floorUs) {
    return row("f", "the floor: c)'s gateway, a constant OK", 1000 + addedP50, 990 + addedP50, 1010 + addedP50, 2700, 4700,
        Map.of("envoy", envoyUs, "authz", floorUs, "echo", 80.0), 0);
  }

  @Test
  void meetsOnlyWhenWithinBothTheFloorsAndJwtAuthnsRatio() {
    // Gantry adds 550 µs: 1.1× the floor's 500, 1.83× jwt_authn's 300.
    String md = HopTargets.section(List.of(base, jwtAuthn, gantry(550, 280, 60), floor(500, 270, 60)), base);
    assertEquals("meets", verdict(md, P50));
    // 650 µs: 1.3× the floor's, still under 2× jwt_authn's.
    md = HopTargets.section(List.of(base, jwtAuthn, gantry(650, 280, 60), floor(500, 270, 60)), base);
    assertEquals("falls short", verdict(md, P50));
    assertTrue(md.contains("1.30× the floor's (f) 500 µs"), md);
  }

  @Test
  void withoutAFloorTheRatioIsNotJudgedUnlessTheOtherPartFails() {
    String md = HopTargets.section(List.of(base, jwtAuthn, gantry(550, 280, 60)), base);
    assertTrue(verdict(md, P50).startsWith("not judged: the floor's is not measured"), md);
    md = HopTargets.section(List.of(base, jwtAuthn, gantry(700, 280, 60)), base);
    assertEquals("falls short", verdict(md, P50)); // 2.33× jwt_authn's
  }

  @Test
  void aFloorTheRepeatsDoNotPutAboveZeroIsNotDividedBy() {
    Row noisy = row("f", "the floor", 1005, 985, 1030, 2100, 7000, Map.of("envoy", 210.0, "authz", 10.0), 0);
    String md = HopTargets.section(List.of(base, jwtAuthn, gantry(550, 280, 60), noisy), base);
    assertTrue(verdict(md, P50).startsWith("not judged: the floor's (f, 5 µs, repeats -25 to 40 µs) is too noisy"), md);
  }

  @Test
  void cpuIsJudgedAgainstBothTheAbsoluteTargetAndTheFloor() {
    // Gantry's hop adds 130 µs (Envoy +80, authz 50); the floor's adds 110 µs: 1.18×.
    String md = HopTargets.section(List.of(base, gantry(550, 280, 50), floor(500, 270, 40)), base);
    assertEquals("meets", verdict(md, CPU));
    // The floor adds 100 µs: 1.3×.
    md = HopTargets.section(List.of(base, gantry(550, 280, 50), floor(500, 260, 40)), base);
    assertEquals("falls short", verdict(md, CPU));
    // Over 150 µs whatever the floor.
    md = HopTargets.section(List.of(base, gantry(550, 300, 60), floor(500, 300, 60)), base);
    assertEquals("falls short", verdict(md, CPU));
  }

  @Test
  void theTelemetryToolsAndTheWorkloadAreNotTheHopsCpu() {
    Row on = row("c", "Gantry", 1500, 1490, 1510, 2800, 4600,
        Map.of("envoy", 280.0, "authz", 50.0, "echo", 900.0, "prometheus", 500.0, "jaeger", 500.0), 0);
    assertEquals(330, HopTargets.hopCpuUs(on), 1e-9);
  }

  @Test
  void failedRequestsOfTheFloorMakeTheRatioFail() {
    Row failingFloor = row("f", "the floor", 1500, 1490, 1510, 2700, 4700, Map.of("envoy", 270.0, "authz", 60.0), 3);
    String md = HopTargets.section(List.of(base, jwtAuthn, gantry(550, 280, 60), failingFloor), base);
    assertEquals("falls short: 3 requests not answered 2xx", verdict(md, P50));
  }

  @Test
  void theTelemetryOnSetupIsNotJudgedHere() {
    Row on = row("e", "Gantry ext_authz with telemetry on", 1600, 1590, 1610, 2800, 4600, Map.of("envoy", 280.0), 0);
    String md = HopTargets.section(List.of(base, on), base);
    assertTrue(!md.contains("| e) "), md);
  }
}
