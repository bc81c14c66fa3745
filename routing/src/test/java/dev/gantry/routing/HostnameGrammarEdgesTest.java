package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The grammar at its edges: the exact length limits, ports, empty parts of a hostname, and what a
 * refusal's message echoes back to the client.
 */
class HostnameGrammarEdgesTest {

  private static final HostnameGrammar GRAMMAR = new HostnameGrammar(Set.of("run.localhost"));

  /** A DNS name of three 63-character labels and one of {@code lastLabel}: 192 + lastLabel characters. */
  private static String dnsName(int lastLabel) {
    return "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(lastLabel);
  }

  private static ParsedHost parsed(HostnameGrammar grammar, String authority) {
    HostnameGrammar.Result result = grammar.parse(authority);
    assertThat(result).as(authority).isInstanceOf(ParsedHost.class);
    return (ParsedHost) result;
  }

  private static ParsedHost parsed(String authority) {
    return parsed(GRAMMAR, authority);
  }

  private static HostnameGrammar.Rejected rejected(HostnameGrammar grammar, String authority) {
    HostnameGrammar.Result result = grammar.parse(authority);
    assertThat(result).as(authority).isInstanceOf(HostnameGrammar.Rejected.class);
    return (HostnameGrammar.Rejected) result;
  }

  private static HostnameReason reasonOf(String authority) {
    return rejected(GRAMMAR, authority).reason();
  }

  @Test
  void constructor_noBaseDomain_isRefused() {
    assertThatThrownBy(() -> new HostnameGrammar(Set.<String>of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none given");
  }

  @Test
  void constructor_baseDomainOf253Characters_isAccepted_longerOrEmpty_isRefused() {
    String longest = dnsName(61);
    assertThat(longest).hasSize(253);
    assertThatCode(() -> new HostnameGrammar(Set.of(longest))).doesNotThrowAnyException();

    String tooLong = dnsName(62);
    assertThat(tooLong).hasSize(254);
    assertThatThrownBy(() -> new HostnameGrammar(Set.of(tooLong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base domain '" + tooLong + "'");
    assertThatThrownBy(() -> new HostnameGrammar(Set.of("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base domain ''");
  }

  @Test
  void parse_hostOfExactly253Characters_isParsed_254_isNameTooLong() {
    String base = dnsName(52);
    HostnameGrammar grammar = new HostnameGrammar(Set.of(base));
    String host = "agt-x-ws." + base;
    assertThat(host).hasSize(253);
    ParsedHost expected = new ParsedHost(new WorkloadId(Product.AGENT, "x", "ws"), null, base);

    assertThat(parsed(grammar, host)).isEqualTo(expected);
    assertThat(parsed(grammar, host + ".:8443")).as("the trailing dot and port are not counted").isEqualTo(expected);
    assertThat(rejected(grammar, "agt-xy-ws." + base).reason()).isEqualTo(HostnameReason.NAME_TOO_LONG);
  }

  @Test
  void parse_firstLabelOf63Characters_isParsed() {
    String label = "agt-" + "n".repeat(54) + "-demo";
    assertThat(label).hasSize(63);

    ParsedHost parsed = parsed(label + ".run.localhost");
    assertThat(parsed.workload().name()).isEqualTo("n".repeat(54));
    assertThat(parsed.workload().workspace()).isEqualTo("demo");
    assertThat(HostnameGrammar.isDnsLabel("a".repeat(63))).isTrue();
    assertThat(HostnameGrammar.isDnsLabel("a".repeat(64))).isFalse();
  }

  @Test
  void parse_locationOf63Characters_isParsed_64_isLabelTooLong() {
    String location = "l".repeat(63);
    assertThat(parsed("agt-echo-demo." + location + ".run.localhost").location()).isEqualTo(location);
    assertThat(reasonOf("agt-echo-demo." + location + "l.run.localhost")).isEqualTo(HostnameReason.LABEL_TOO_LONG);
  }

  @Test
  void parse_locationOfMoreThanOneLabel_isMalformedLocation_whateverItsLength() {
    String longLabel = "a".repeat(70);
    assertThat(reasonOf("agt-echo-demo.eu." + longLabel + ".run.localhost"))
        .isEqualTo(HostnameReason.MALFORMED_LOCATION);
    assertThat(reasonOf("agt-echo-demo.." + longLabel + ".run.localhost"))
        .as("an empty label, then a long one")
        .isEqualTo(HostnameReason.MALFORMED_LOCATION);
  }

  @Test
  void parse_locationThatIsNotADnsLabel_isMalformedLocation() {
    for (String location : List.of("eu_lon-1", "-eu", "eu-", "eu*")) {
      assertThat(reasonOf("agt-echo-demo." + location + ".run.localhost"))
          .as(location)
          .isEqualTo(HostnameReason.MALFORMED_LOCATION);
    }
  }

  @Test
  void parse_emptyFirstLabel_isMissingWorkload_unlessTheLocationIsMalformed() {
    assertThat(reasonOf(".run.localhost")).isEqualTo(HostnameReason.MISSING_WORKLOAD);
    assertThat(reasonOf(".eu.run.localhost")).isEqualTo(HostnameReason.MISSING_WORKLOAD);
    assertThat(reasonOf("..run.localhost")).isEqualTo(HostnameReason.MALFORMED_LOCATION);
  }

  @Test
  void parseWorkloadLabel_emptyOrNull_isMissingWorkload() {
    assertThat(HostnameGrammar.parseWorkloadLabel(""))
        .isInstanceOfSatisfying(
            HostnameGrammar.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo(HostnameReason.MISSING_WORKLOAD));
    assertThat(HostnameGrammar.parseWorkloadLabel(null))
        .isInstanceOfSatisfying(
            HostnameGrammar.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo(HostnameReason.MISSING_WORKLOAD));
    assertThatThrownBy(() -> WorkloadId.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing-workload");
  }

  @Test
  void parse_portOfOneToFiveDigits_isIgnored() {
    for (String port : List.of("0", "8", "9", "80", "8443", "65535")) {
      assertThat(parsed("agt-echo-demo.run.localhost:" + port).workload()).as(port).hasToString("agt-echo-demo");
    }
  }

  @Test
  void parse_emptyOrSixDigitPort_isMalformedPort() {
    assertThat(reasonOf("agt-echo-demo.run.localhost:")).isEqualTo(HostnameReason.MALFORMED_PORT);
    assertThat(reasonOf("agt-echo-demo.run.localhost:123456")).isEqualTo(HostnameReason.MALFORMED_PORT);
    assertThat(reasonOf(":")).isEqualTo(HostnameReason.MALFORMED_PORT);
  }

  @Test
  void parse_portOrDotWithoutHost_isMissingHost() {
    assertThat(reasonOf(":80")).isEqualTo(HostnameReason.MISSING_HOST);
    assertThat(reasonOf(".")).isEqualTo(HostnameReason.MISSING_HOST);
    assertThat(reasonOf(".:443")).isEqualTo(HostnameReason.MISSING_HOST);
  }

  @Test
  void parse_upperCaseAOrZAlone_isLowered() {
    assertThat(parsed("Agt-echo-demo.run.localhost").workload()).hasToString("agt-echo-demo");
    assertThat(parsed("agt-Zed-demo.run.localhost").workload()).hasToString("agt-zed-demo");
  }

  @Test
  void parse_digitsZeroAndNine_areLabelCharacters() {
    assertThat(HostnameGrammar.isDnsLabel("eu-lon-0")).isTrue();
    assertThat(HostnameGrammar.isDnsLabel("eu-lon-9")).isTrue();
    assertThat(parsed("agt-echo-ws09.run.localhost").workload().workspace()).isEqualTo("ws09");
  }

  @Test
  void rejection_echoesTheHostUpTo80Characters_andNamesTheBaseDomains() {
    String host80 = "h".repeat(80);
    assertThat(rejected(GRAMMAR, host80).message())
        .startsWith("'" + host80 + "' is not under a base domain")
        .endsWith("(expected: one of [run.localhost])");

    String host81 = "h".repeat(81);
    assertThat(rejected(GRAMMAR, host81).message())
        .startsWith("'" + "h".repeat(77) + "...' is not under a base domain");
  }

  @Test
  void rejection_listsTheBaseDomainsLongestFirst_thenAlphabetically_whateverTheConfigOrder() {
    HostnameGrammar grammar =
        new HostnameGrammar(new LinkedHashSet<>(List.of("zz.example", "aa.example", "run.localhost")));
    HostnameGrammar.Rejected rejected = rejected(grammar, "agt-echo-demo.example.com");
    assertThat(rejected.reason()).isEqualTo(HostnameReason.UNKNOWN_DOMAIN);
    assertThat(rejected.message()).endsWith("(expected: one of [run.localhost, aa.example, zz.example])");
  }
}
