package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway given SIGTERM (through {@code envoy/run-gateway}, as {@code ./gantry up} runs it)
 * refuses new connections, lets open streams finish up to its drain bound, then exits.
 */
class DrainIT {

  private GatewayStack stack;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private EnvoyProcess restartEnvoyWithDrain(int drainSeconds) throws Exception {
    stack = new GatewayStack();
    stack.envoy.close();
    EnvoyProcess envoy = EnvoyProcess.start(GatewayStack.REGION, stack.controlPlanePort,
        stack.workDir, drainSeconds);
    stack.replaceEnvoy(envoy);
    stack.awaitServing();
    return envoy;
  }

  @Test
  void sigterm_openStreamsComplete_newConnectionsRefused_processExits() throws Exception {
    EnvoyProcess envoy = restartEnvoyWithDrain(20);
    CompletableFuture<List<Integer>> sse =
        StreamClients.sse(stack.gatewayPort, stack.host("agt-echo-demo.eu-lon-1"), "/sse?n=40&interval_ms=100");
    CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/slow?seconds=3");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    TimeUnit.MILLISECONDS.sleep(500);

    envoy.process().destroy(); // SIGTERM to run-gateway

    assertThat(refusesConnectionsWithin(50)).as("new connections refused once draining").isTrue();
    assertThat(sse.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
    assertThat(slow.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(envoy.process().waitFor(20, TimeUnit.SECONDS)).as("run-gateway exited").isTrue();
    assertThat(envoy.process().exitValue()).isZero();
    assertThat(envoy.process().descendants().count()).as("no Envoy left behind").isZero();
  }

  /** Polls every 100 ms: true once a connection to the gateway is refused. */
  private boolean refusesConnectionsWithin(int attempts) throws InterruptedException {
    for (int i = 0; i < attempts; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", stack.gatewayPort), 1000);
      } catch (ConnectException refused) {
        return true;
      } catch (java.io.IOException other) {
        // Not refused yet in a way that says "closed": try again.
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }

  @Test
  void sigterm_streamLongerThanTheBound_isCutAtTheBound() throws Exception {
    EnvoyProcess envoy = restartEnvoyWithDrain(2);
    CompletableFuture<List<Integer>> sse =
        StreamClients.sse(stack.gatewayPort, stack.host("agt-echo-demo.eu-lon-1"), "/sse?n=600&interval_ms=100");
    TimeUnit.MILLISECONDS.sleep(500);

    envoy.process().destroy();

    assertThat(envoy.process().waitFor(20, TimeUnit.SECONDS)).as("run-gateway exited after its bound").isTrue();
    assertThatThrownBy(() -> sse.get(10, TimeUnit.SECONDS)).as("the stream was cut, not completed")
        .hasRootCauseInstanceOf(java.io.IOException.class);
  }
}
