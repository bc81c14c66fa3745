package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.CheckWarmUp;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A freshly started sidecar answers Checks from its first snapshot on, but reports SERVING (the
 * gRPC health service a readiness probe asks) only once its Check path is warm; the warm-up's
 * own Checks are never counted (decisions, token-cache lookups) nor written to the decision log.
 */
class SidecarWarmUpIT {

  @RegisterExtension final StackPerClass stacks = StackPerClass.perTest();
  private GatewayStack stack;

  @BeforeEach
  void stack() {
    stack = stacks.stack();
  }

  @Test
  void aRestartedSidecar_reportsServingOnlyAfterItsWarmUp_whichNoMetricNorDecisionLogSees() throws Exception {
    stack.authz.close();
    Metrics before = stack.scrapeAuthz();
    long logLines = lines();

    stack.authz = stack.startAuthz();

    List<ServingStatus> seen = new ArrayList<>();
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(stack.pki.authzSocket(GatewayStack.REGION)))
        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      Instant deadline = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(deadline)) {
        ServingStatus status;
        try {
          status = health.withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } catch (io.grpc.StatusRuntimeException notListeningYet) {
          Thread.sleep(20);
          continue;
        }
        if (seen.isEmpty() || seen.getLast() != status) {
          seen.add(status);
        }
        if (status == ServingStatus.SERVING) {
          // Never SERVING before the warm-up has finished.
          assertThat(stack.authz.warmUp()).as("health answered SERVING; statuses seen: " + seen).isDone();
          break;
        }
        Thread.sleep(20);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
    assertThat(seen).as("statuses seen").endsWith(ServingStatus.SERVING);
    CheckWarmUp.Result warmUp = stack.authz.warmUp().get();
    assertThat(warmUp.checks()).as("the warm-up's checks").isPositive();
    assertThat(warmUp.failures()).as("checks of the warm-up that failed (RPC errors)").isZero();

    Metrics after = stack.scrapeAuthz();
    assertThat(after.value("gantry_authz_decisions_total") - before.value("gantry_authz_decisions_total"))
        .as("decisions counted during the warm-up of " + warmUp.checks() + " checks").isZero();
    assertThat(lines()).as("decision log lines written during the warm-up").isEqualTo(logLines);
    assertThat(after.value("gantry_authz_token_cache_lookups_total") - before.value("gantry_authz_token_cache_lookups_total"))
        .as("verified-token cache lookups during the warm-up").isZero();

    // The sidecar serves, and counts what it serves.
    assertThat(stack.get(stack.host("agt-nobody-demo.eu-lon-1"), "/").status()).isEqualTo(401);
    assertThat(stack.scrapeAuthz().value("gantry_authz_decisions_total") - after.value("gantry_authz_decisions_total"))
        .isEqualTo(1.0);
  }

  private long lines() throws Exception {
    return Files.exists(stack.decisionLogFile()) ? Files.readAllLines(stack.decisionLogFile()).size() : 0;
  }
}
