package dev.gantry.authz;

import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.grpc.ExtAuthzService;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.snapshot.SnapshotStore;
import dev.gantry.routing.SidecarAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warms a freshly started sidecar before it reports SERVING: a cold JVM interprets its first
 * thousands of Checks and, facing a burst of them, misses Envoy's ext_authz timeout (seen: 880
 * of 2,000 at once, 1 s). So the Check path runs first on checks of its own: the sidecar's
 * transport (a listener built by {@link SidecarListener}, HTTP/2 over a Unix socket, Checks on
 * the transport thread) in front of the same decision engine and snapshot, over one connection
 * with many calls in flight, as Envoy sends them.
 *
 * <p>The warm-up's service is a second {@link ExtAuthzService} without metrics, decision log
 * or spans, listening on a socket in a private directory (owner-only, removed afterwards):
 * warm-up checks are never counted as decisions, never logged, and nobody else can send any.
 * Its requests carry no credential that verifies (none, or a malformed one), so no issuer's key
 * set is fetched for them. It decides nothing real: its answers are dropped.
 */
public final class CheckWarmUp {

  /** What a warm-up did. */
  public record Result(long checks, long failures, Duration took) {}

  private final int checks;
  private final int inFlight;
  private final Duration budget;

  /**
   * @param checks how many Checks to send (the JIT compiles a method after some thousands of calls)
   * @param inFlight how many at a time, on one connection
   * @param budget the most it may take: a sidecar reports SERVING after it even if checks remain
   */
  CheckWarmUp(int checks, int inFlight, Duration budget) {
    this.checks = checks;
    this.inFlight = inFlight;
    this.budget = budget;
  }

  Result run(SnapshotStore store, DecisionEngine engine) throws IOException, InterruptedException {
    AuthzSnapshot snapshot = store.current();
    if (snapshot == null || checks == 0) {
      return new Result(0, 0, Duration.ZERO);
    }
    List<CheckRequest> requests = requests(snapshot);
    long start = System.nanoTime();
    Path dir = Files.createTempDirectory("gantry-warm-up",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path socket = dir.resolve("check.sock");
    List<EventLoopGroup> loops = new ArrayList<>();
    EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    Server server = null;
    ManagedChannel channel = null;
    AtomicLong failures = new AtomicLong();
    long sent = 0;
    try {
      server = SidecarListener.builder(new SidecarAddress.Unix(socket.toString()), loops)
          .addService(new ExtAuthzService(store, engine))
          .build()
          .start();
      channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
          .channelType(EpollDomainSocketChannel.class)
          .eventLoopGroup(clientLoop)
          .usePlaintext()
          .build();
      AuthorizationGrpc.AuthorizationStub stub = AuthorizationGrpc.newStub(channel);
      Semaphore slots = new Semaphore(inFlight);
      long deadline = start + budget.toNanos();
      for (; sent < checks && System.nanoTime() < deadline; sent++) {
        if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        stub.check(requests.get((int) (sent % requests.size())), new StreamObserver<>() {
          @Override
          public void onNext(CheckResponse response) {}

          @Override
          public void onError(Throwable t) {
            failures.incrementAndGet();
            slots.release();
          }

          @Override
          public void onCompleted() {
            slots.release();
          }
        });
      }
      slots.tryAcquire(inFlight, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
      if (server != null) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
      clientLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      loops.forEach(l -> l.shutdownGracefully(0, 0, TimeUnit.SECONDS));
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
    return new Result(sent, failures.get(), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Checks as Envoy sends them, for hostnames of the snapshot's own workloads (each form the
   * engine parses: regional, and the global name) and for ones it refuses (unknown workload,
   * malformed host), with no credential and with unusable ones.
   */
  static List<CheckRequest> requests(AuthzSnapshot snapshot) {
    List<String> hosts = new ArrayList<>();
    String base = snapshot.baseDomains().stream().sorted().findFirst().orElse("run.example");
    snapshot.workloads().values().stream().limit(16).forEach((WorkloadEntry w) -> {
      hosts.add(w.id() + "." + base);
      w.regions().stream().sorted().forEach(region -> hosts.add(w.id() + "." + region + "." + base));
    });
    snapshot.catalog().regions().keySet().stream().sorted().limit(4)
        .forEach(region -> hosts.add("agt-warmup-unknown." + region + "." + base));
    hosts.add("not a host");
    hosts.add("agt-." + base);
    List<String[]> credentials = List.of(new String[0], new String[] {"authorization", "Bearer not-a-token"},
        new String[] {"authorization", "Bearer a.b.c"}, new String[] {"authorization", "Basic d2FybTp1cA=="},
        new String[] {"x-api-key", "gk_warm_up"});
    List<CheckRequest> requests = new ArrayList<>();
    for (String host : hosts) {
      for (String[] credential : credentials) {
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
            .setHost(host).setMethod("GET").setPath("/warm-up").setScheme("http").setProtocol("HTTP/2")
            .putHeaders(":authority", host).putHeaders(":method", "GET").putHeaders(":path", "/warm-up")
            .putHeaders(":scheme", "http").putHeaders("user-agent", "gantry-warm-up")
            .putHeaders("x-request-id", "00000000-0000-4000-8000-000000000000");
        if (credential.length == 2) {
          http.putHeaders(credential[0], credential[1]);
        }
        requests.add(CheckRequest.newBuilder()
            .setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
            .build());
      }
    }
    return requests;
  }
}
