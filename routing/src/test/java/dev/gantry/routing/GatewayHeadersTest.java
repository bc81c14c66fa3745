package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayHeadersTest {

  @Test
  void clientMayNotSend_gantryEnvoyAndForwardingHeaders() {
    for (String name : GatewayHeaders.ALL) {
      assertThat(GatewayHeaders.clientMayNotSend(name)).as(name).isTrue();
    }
    assertThat(GatewayHeaders.clientMayNotSend("x-gantry-not-yet-invented")).isTrue();
    assertThat(GatewayHeaders.clientMayNotSend("x-envoy-upstream-rq-timeout-ms")).isTrue();
    for (String name : GatewayHeaders.FORWARDING) {
      assertThat(GatewayHeaders.clientMayNotSend(name)).as(name).isTrue();
    }
  }

  @Test
  void clientMayNotSend_ordinaryHeaders_isFalse() {
    for (String name : List.of("content-type", "authorization", "x-request-id", "x-gantry", "x-envoy", "x-gantryx")) {
      assertThat(GatewayHeaders.clientMayNotSend(name)).as(name).isFalse();
    }
  }
}
