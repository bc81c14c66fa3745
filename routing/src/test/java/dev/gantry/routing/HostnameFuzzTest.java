package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Coverage-guided fuzzing of what every request's Host/:authority goes through. In {@code
 * ./mvnw verify} each target replays its committed inputs ({@code HostnameFuzzTestInputs/}); to
 * search for new ones: {@code scripts/fuzz HostnameFuzzTest#authority 600}.
 */
class HostnameFuzzTest {

  private static final HostnameGrammar GRAMMAR = new HostnameGrammar(Set.of("run.example", "run.localhost"));

  /**
   * Any authority: a parsed host or a stable refusal, never an exception; a parsed host is
   * lower-case DNS, ends with a base domain, and parses to itself when written back.
   */
  @FuzzTest
  void authority(byte[] input) {
    String authority = new String(input, StandardCharsets.ISO_8859_1);
    HostnameGrammar.Result result = GRAMMAR.parse(authority);
    assertThat(result).isNotNull();
    String normalized = HostnameGrammar.normalizeHost(authority);
    if (result instanceof ParsedHost parsed) {
      assertThat(normalized).isNotNull().endsWith("." + parsed.baseDomain());
      assertThat(normalized).isEqualTo(normalized.toLowerCase(Locale.ROOT));
      String written = parsed.workload() + (parsed.isGlobal() ? "" : "." + parsed.location()) + "." + parsed.baseDomain();
      assertThat(GRAMMAR.parse(written)).isEqualTo(parsed);
    } else {
      HostnameGrammar.Rejected rejected = (HostnameGrammar.Rejected) result;
      assertThat(rejected.reason()).isNotNull();
      assertThat(rejected.message()).isNotBlank();
    }
  }

  /**
   * A workload id: parsed and written back unchanged, and read the same as a hostname's first
   * label; or refused with IllegalArgumentException only.
   */
  @FuzzTest
  void workloadId(byte[] input) {
    String id = new String(input, StandardCharsets.ISO_8859_1);
    WorkloadId parsed;
    try {
      parsed = WorkloadId.parse(id);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(parsed.toString()).isEqualTo(id);
    assertThat(GRAMMAR.parse(id + ".run.example")).as("the id as a hostname's first label names the same workload")
        .isInstanceOfSatisfying(ParsedHost.class, host -> assertThat(host.workload()).isEqualTo(parsed));
  }

  /** A host:port from configuration: parsed, or refused with IllegalArgumentException only. */
  @FuzzTest
  void hostPort(byte[] input) {
    String value = new String(input, StandardCharsets.ISO_8859_1);
    try {
      HostPort parsed = HostPort.parse(value);
      assertThat(parsed.port()).isBetween(0, 65535);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
