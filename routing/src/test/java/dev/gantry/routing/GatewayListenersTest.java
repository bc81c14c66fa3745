package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayListenersTest {

  @Test
  void viaToken_namesTheRegionsGateway() {
    assertThat(GatewayListeners.viaToken("eu-lon-1")).isEqualTo("gantry-eu-lon-1");
  }
}
