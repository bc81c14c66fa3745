package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void parse_hostColonPort() {
    assertThat(HostPort.parse("localhost:8080")).isEqualTo(new HostPort("localhost", 8080));
    assertThat(HostPort.parse("127.0.0.1:0")).isEqualTo(new HostPort("127.0.0.1", 0));
  }

  @Test
  void constructor_portFrom0To65535_only() {
    assertThat(new HostPort("127.0.0.1", 0).port()).isZero();
    assertThat(new HostPort("127.0.0.1", 65535).port()).isEqualTo(65535);
    assertThatThrownBy(() -> new HostPort("127.0.0.1", 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 65536");
    assertThatThrownBy(() -> new HostPort("127.0.0.1", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port -1");
    assertThatThrownBy(() -> HostPort.parse("localhost:70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 70000");
  }

  @Test
  void constructor_emptyOrNullHost_isRefused() {
    assertThatThrownBy(() -> new HostPort("", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty host");
    assertThatThrownBy(() -> new HostPort(null, 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty host");
  }

  @Test
  void parse_notHostColonPort_quotesTheValue() {
    for (String value : List.of("localhost", ":80", "localhost:")) {
      assertThatThrownBy(() -> HostPort.parse(value))
          .as(value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("address '" + value + "'");
    }
    assertThatThrownBy(() -> HostPort.parse("localhost:http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numeric port");
    assertThatThrownBy(() -> HostPort.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toSocketAddress_andToString_keepHostAndPort() {
    HostPort address = new HostPort("127.0.0.1", 9001);
    InetSocketAddress socket = address.toSocketAddress();
    assertThat(socket.getHostString()).isEqualTo("127.0.0.1");
    assertThat(socket.getPort()).isEqualTo(9001);
    assertThat(address).hasToString("127.0.0.1:9001");
    assertThat(HostPort.parse(address.toString())).isEqualTo(address);
  }
}
