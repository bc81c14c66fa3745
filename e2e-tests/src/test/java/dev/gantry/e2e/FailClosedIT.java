package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With its authz-service gone, the gateway fails closed: 503, and nothing reaches a workload. */
class FailClosedIT {

  @RegisterExtension final StackPerClass stacks = StackPerClass.perTest();
  private GatewayStack stack;

  @BeforeEach
  void stack() {
    stack = stacks.stack();
  }

  @Test
  void authzStopped_gatewayAnswers503_andForwardsNothing() throws Exception {
    stack.authz.close();
    stack.authz = null;
    long servedBefore = stack.echo.requestsServed();

    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/a");

    assertThat(response.status()).as(response.body()).isEqualTo(503);
    assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString())
        .isEqualTo("authz-unavailable");
    // Retryable, and said so: nothing was forwarded.
    assertThat(response.headers()).containsEntry("retry-after", "1");
    assertThat(stack.echo.requestsServed()).isEqualTo(servedBefore);
  }

  @Test
  void authzBack_gatewayServesAgain() throws Exception {
    stack.authz.close();
    assertThat(stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/").status()).isEqualTo(503);

    stack.authz = stack.startAuthz();

    stack.awaitServing();
    assertThat(stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/").status()).isEqualTo(200);
  }

  @Test
  void authzWithoutSnapshot_isNotServing_503() throws Exception {
    // A sidecar that cannot reach the control plane has no snapshot: it must not guess.
    stack.authz.close();
    stack.controlPlane.close();
    stack.controlPlane = null;
    stack.authz = stack.startAuthz();
    long servedBefore = stack.echo.requestsServed();

    RawHttp.Response response = stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/");

    assertThat(response.status()).isEqualTo(503);
    assertThat(stack.authz.snapshots().current()).isNull();
    assertThat(stack.echo.requestsServed()).isEqualTo(servedBefore);
  }
}
