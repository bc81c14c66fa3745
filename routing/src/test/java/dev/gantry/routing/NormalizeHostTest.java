package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link HostnameGrammar#normalizeHost}: the key for exact lookups of legacy hosts and custom domains. */
class NormalizeHostTest {

  @Test
  void normalizeHost_lowersCase_dropsANumericPortAndOneTrailingDot() {
    assertThat(HostnameGrammar.normalizeHost("Agt-Echo-Demo.EU-LON-1.Run.Localhost.:10000"))
        .isEqualTo("agt-echo-demo.eu-lon-1.run.localhost");
    assertThat(HostnameGrammar.normalizeHost("legacy.example.com:8080")).isEqualTo("legacy.example.com");
    assertThat(HostnameGrammar.normalizeHost("legacy.example.com.")).isEqualTo("legacy.example.com");
    assertThat(HostnameGrammar.normalizeHost("legacy.example.com")).isEqualTo("legacy.example.com");
  }

  @Test
  void normalizeHost_keepsANonNumericPortAndASecondTrailingDot() {
    assertThat(HostnameGrammar.normalizeHost("legacy.example.com:http")).isEqualTo("legacy.example.com:http");
    assertThat(HostnameGrammar.normalizeHost("legacy.example.com..")).isEqualTo("legacy.example.com.");
  }

  @Test
  void normalizeHost_noHost_isNull() {
    for (String authority : Arrays.asList(null, "", ".", ":80", ".:443")) {
      assertThat(HostnameGrammar.normalizeHost(authority)).as("%s", authority).isNull();
    }
  }
}
