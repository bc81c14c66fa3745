package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control plane is not on the request path: without it, gateways serve what they have. */
class ControlPlaneOutageIT {

  @RegisterExtension final StackPerClass stacks = StackPerClass.perTest();
  private GatewayStack stack;

  @BeforeEach
  void stack() {
    stack = stacks.stack();
  }

  @Test
  void controlPlaneStopped_gatewayKeepsServing() throws Exception {
    stack.controlPlane.close();
    stack.controlPlane = null;
    // Let Envoy and the sidecar notice the lost streams and start reconnecting.
    TimeUnit.SECONDS.sleep(2);

    for (int i = 0; i < 20; i++) {
      RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/still/" + i);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
    }
    // The sidecar still decides from its snapshot: to an anonymous caller an unknown workload
    // answers as a private one does (no enumeration of workloads).
    assertThat(stack.get(stack.host("agt-nothing-demo.eu-lon-1"), "/").status()).isEqualTo(401);
    assertThat(stack.envoy.isAlive()).isTrue();
  }

  @Test
  void controlPlaneRestarted_gatewayReconnectsAndServes() throws Exception {
    stack.controlPlane.close();
    TimeUnit.SECONDS.sleep(1);

    stack.controlPlane = stack.startControlPlane();

    stack.awaitServing();
    assertThat(stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/").status()).isEqualTo(200);
  }
}
