package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostnameGrammarTest {

  private static final HostnameGrammar GRAMMAR = new HostnameGrammar(Set.of("run.localhost"));

  /** The catalog of scenarios/local-regions.yaml (groups eu = continent EU, us = country US). */
  private static final RegionCatalog LOCAL_REGIONS =
      new RegionCatalog(
          List.of(
              new Region("eu-lon-1", "GB", "EU", 51.51, -0.13),
              new Region("eu-par-1", "FR", "EU", 48.86, 2.35),
              new Region("us-pdx-1", "US", "NA", 45.52, -122.68)),
          Map.of("eu", Set.of("eu-lon-1", "eu-par-1"), "us", Set.of("us-pdx-1")));

  /**
   * Where this grammar's reason differs from the scenario table's hint (column 3 is a hint): a
   * first label ending in '-' is not a DNS label, so it is malformed before any part is empty.
   */
  private static final Map<String, String> REASON_DECIDED_OTHERWISE =
      Map.of("agt-echo-.run.localhost", "malformed-label");

  static Stream<Arguments> scenarios() throws IOException {
    List<Arguments> rows = new ArrayList<>();
    try (InputStream in = HostnameGrammarTest.class.getResourceAsStream("/scenarios/hostnames.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isBlank() && !line.startsWith("\t")) {
          continue;
        }
        String[] c = line.split("\t", -1);
        rows.add(Arguments.of(c[0], c[1], c[2], c[3], c[4], c[5], c[6]));
      }
    }
    assertThat(rows).hasSizeGreaterThan(20);
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("scenarios")
  void parse_agreesWithScenarioTable(
      String host, String expect, String product, String workload, String workspace,
      String locationKind, String location) {
    HostnameGrammar.Result result = GRAMMAR.parse(host);
    switch (expect) {
      case "parsed" -> {
        assertThat(result).isInstanceOf(ParsedHost.class);
        ParsedHost parsed = (ParsedHost) result;
        assertThat(parsed.workload().product().label()).isEqualTo(product);
        assertThat(parsed.workload().name()).isEqualTo(workload);
        assertThat(parsed.workload().workspace()).isEqualTo(workspace);
        assertThat(kindOf(parsed.location())).isEqualTo(locationKind);
        assertThat(parsed.isGlobal() ? "-" : parsed.location()).isEqualTo(location);
      }
      case "404-location" -> {
        ParsedHost parsed = (ParsedHost) result;
        assertThat(parsed.workload().toString()).isEqualTo(product + "-" + workload + "-" + workspace);
        assertThat(parsed.location()).isEqualTo(location);
        assertThat(LOCAL_REGIONS.regionsNamedBy(parsed.location())).isNull();
      }
      case "400" -> {
        assertThat(result).isInstanceOf(HostnameGrammar.Rejected.class);
        HostnameGrammar.Rejected rejected = (HostnameGrammar.Rejected) result;
        assertThat(rejected.reason().code())
            .isEqualTo(REASON_DECIDED_OTHERWISE.getOrDefault(host, product));
        assertThat(rejected.message()).isNotBlank();
      }
      default -> throw new AssertionError("unknown expectation " + expect);
    }
  }

  private static String kindOf(String location) {
    if (location == null) {
      return "global";
    }
    return LOCAL_REGIONS.region(location) != null ? "region" : "group";
  }

  @Test
  void parse_nameOver253Characters_isNameTooLong() {
    String label = "a".repeat(60);
    String longBase = String.join(".", label, label, label) + ".run.localhost";
    String host = "agt-x-ws." + label + "." + longBase;
    HostnameGrammar grammar = new HostnameGrammar(Set.of(longBase));
    HostnameGrammar.Result result = grammar.parse(host);
    assertThat(((HostnameGrammar.Rejected) result).reason()).isEqualTo(HostnameReason.NAME_TOO_LONG);
  }

  @Test
  void parse_nonNumericPort_isMalformedPort() {
    HostnameGrammar.Result result = GRAMMAR.parse("agt-echo-demo.run.localhost:http");
    assertThat(((HostnameGrammar.Rejected) result).reason()).isEqualTo(HostnameReason.MALFORMED_PORT);
  }

  @Test
  void parse_longestBaseDomainWins() {
    HostnameGrammar grammar = new HostnameGrammar(Set.of("localhost", "run.localhost"));
    ParsedHost parsed = (ParsedHost) grammar.parse("agt-echo-demo.run.localhost");
    assertThat(parsed.baseDomain()).isEqualTo("run.localhost");
    assertThat(parsed.isGlobal()).isTrue();
  }

  @Test
  void parse_workloadEndingInDash_isMalformedLabel() {
    HostnameGrammar.Result result = GRAMMAR.parse("agt-echo--demo.run.localhost");
    assertThat(((HostnameGrammar.Rejected) result).reason()).isEqualTo(HostnameReason.MALFORMED_LABEL);
  }

  @Test
  void workloadIdParse_roundTrips() {
    WorkloadId id = WorkloadId.parse("mcp-my-tools-acme1");
    assertThat(id.product()).isEqualTo(Product.MCP_SERVER);
    assertThat(id.name()).isEqualTo("my-tools");
    assertThat(id.workspace()).isEqualTo("acme1");
    assertThat(id).hasToString("mcp-my-tools-acme1");
  }

  @Test
  void workloadIdParse_malformed_namesTheProblem() {
    assertThatThrownBy(() -> WorkloadId.parse("xyz-a-b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown-product")
        .hasMessageContaining("expected: agt, mcp or sbx");
  }

  @Test
  void constructor_badBaseDomain_isRefused() {
    assertThatThrownBy(() -> new HostnameGrammar(Set.of("Run..example")))
        .hasMessageContaining("base domain 'Run..example'");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> port {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "3000--sbx-box-demo.eu-par-1.run.localhost, 3000",
      "1024--sbx-box-demo.run.localhost:10000, 1024",
      "65535--SBX-Box-Demo.run.localhost, 65535",
      "sbx-box-demo.run.localhost, 0",
  })
  void previewUrl_namesTheSandboxAndItsPort(String host, int port) {
    ParsedHost parsed = (ParsedHost) GRAMMAR.parse(host);

    assertThat(parsed.workload().toString()).isEqualTo("sbx-box-demo");
    assertThat(parsed.previewPort()).isEqualTo(port);
    assertThat(parsed.isPreview()).isEqualTo(port != 0);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "0", "1023", "65536", "99999", "01024", "3000x", "123456"})
  void previewPort_outsideTheRange_isNone(String digits) {
    assertThat(HostnameGrammar.previewPort(digits)).isZero();
  }
}
