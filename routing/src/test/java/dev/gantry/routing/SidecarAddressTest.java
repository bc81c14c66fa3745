package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarAddressTest {

  @Test
  void parse_unixPrefix_isASocketPath() {
    SidecarAddress address = SidecarAddress.parse("unix:/run/gantry/authz.sock");
    assertThat(address).isEqualTo(new SidecarAddress.Unix("/run/gantry/authz.sock"));
    assertThat(address).hasToString("unix:/run/gantry/authz.sock");
    assertThat(SidecarAddress.parse("unix:authz.sock")).isEqualTo(new SidecarAddress.Unix("authz.sock"));
  }

  @Test
  void parse_hostPort_isTcp() {
    SidecarAddress address = SidecarAddress.parse("127.0.0.1:9001");
    assertThat(address).isEqualTo(new SidecarAddress.Tcp(new HostPort("127.0.0.1", 9001)));
    assertThat(address).hasToString("127.0.0.1:9001");
  }

  @Test
  void parse_neitherForm_saysWhatIsExpected() {
    for (String value : List.of("authz.sock", "unix", "localhost:http")) {
      assertThatThrownBy(() -> SidecarAddress.parse(value))
          .as(value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sidecar address '" + value + "'")
          .hasMessageContaining("expected: unix:<socket path> or host:port");
    }
    assertThatThrownBy(() -> SidecarAddress.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SidecarAddress.parse("unix:")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unixPath_of1To100Characters_withoutNul() {
    assertThat(new SidecarAddress.Unix("a").path()).isEqualTo("a");
    String longest = "/" + "s".repeat(99);
    assertThat(new SidecarAddress.Unix(longest).path()).isEqualTo(longest);

    List<String> refused = List.of("", "/" + "s".repeat(100), "\0abstract", "/run/a\0b.sock");
    for (int i = 0; i < refused.size(); i++) {
      String path = refused.get(i);
      assertThatThrownBy(() -> new SidecarAddress.Unix(path))
          .as("refused path #%d", i)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected: 1-100 characters");
    }
  }
}
