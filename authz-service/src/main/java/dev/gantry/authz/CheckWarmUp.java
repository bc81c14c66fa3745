package dev.gantry.authz;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.VerifiedTokens;
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
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a freshly started sidecar before it reports SERVING: a cold JVM interprets its first
 * thousands of Checks and, facing a burst of them, misses Envoy's ext_authz timeout (seen: 880
 * of 2,000 at once, 1 s). So the Check path runs first on checks of its own: the sidecar's
 * transport (a listener built by {@link SidecarListener}, HTTP/2 over a Unix socket, Checks on
 * the transport thread) in front of the decision engine's code and the current snapshot, over
 * one connection with many calls in flight, as Envoy sends them.
 *
 * <p>Nothing of it is seen or kept: its service is an {@link ExtAuthzService} without metrics,
 * decision log or spans, on an engine of its own (its own verified-token cache, a key lookup
 * that knows one key and never fetches a key set), listening on a socket in a private directory
 * (owner-only, removed afterwards). It decides on a copy of the current snapshot with one
 * workspace and one private workload of its own added, whose issuer's key it made for the
 * occasion: so its requests run the allow path too — signatures verified (RS256, tokens never
 * seen before) and cached tokens — beside the refusals (no credential, malformed ones,
 * unknown workloads and hosts). Nothing of the copy reaches the sidecar's own snapshot.
 */
public final class CheckWarmUp {

  private static final Logger log = LoggerFactory.getLogger(CheckWarmUp.class);

  /** What a warm-up did: Checks sent, those that failed as RPCs before the time was up, and how long it took. */
  public record Result(long checks, long failures, Duration took) {
    static final Result NONE = new Result(0, 0, Duration.ZERO);
  }

  private final int checks;
  private final int inFlight;
  private final Duration budget;

  /**
   * @param checks how many Checks to send (the JIT compiles a method after some thousands of calls)
   * @param inFlight how many at a time, on one connection
   * @param budget the most time it sends Checks for; what is then in flight is cancelled
   */
  CheckWarmUp(int checks, int inFlight, Duration budget) {
    this.checks = checks;
    this.inFlight = inFlight;
    this.budget = budget;
  }

  /**
   * Sends the warm-up's Checks for the snapshot {@code store} holds, decided by an engine made
   * like the sidecar's ({@code region}). Nothing when there is no snapshot, or no epoll here
   * (the sidecar's Unix socket needs it; a TCP sidecar elsewhere serves cold).
   */
  Result run(SnapshotStore store, String region) throws IOException, InterruptedException {
    AuthzSnapshot snapshot = store.current();
    if (snapshot == null || checks == 0) {
      return Result.NONE;
    }
    if (!Epoll.isAvailable()) {
      log.info("no epoll here: the Check path is not warmed up ({})", Epoll.unavailabilityCause().toString());
      return Result.NONE;
    }
    Clock clock = Clock.systemUTC();
    WarmUpIssuer issuer = WarmUpIssuer.create(clock);
    SnapshotStore warmStore = new SnapshotStore(next -> {});
    warmStore.swap(issuer.addTo(snapshot, region));
    DecisionEngine engine = new DecisionEngine(region,
        new JwtAuthenticator(issuer::find, new VerifiedTokens(1_000), clock),
        new ApiKeyAuthenticator(clock), new MessageSignatures(clock), clock);
    List<CheckRequest> requests = requests(warmStore.current(),
        issuer.requests(WarmUpIssuer.WORKLOAD + "." + region + "." + baseDomain(snapshot)));
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    AtomicLong failures = new AtomicLong();
    long sent = 0;
    long failed;
    Path dir = null;
    List<EventLoopGroup> loops = new ArrayList<>();
    Server server = null;
    ManagedChannel channel = null;
    try {
      dir = Files.createTempDirectory("gantry-warm-up",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      String socket = dir.resolve("check.sock").toString();
      server = SidecarListener.builder(new SidecarAddress.Unix(socket), loops)
          .addService(new ExtAuthzService(warmStore, engine))
          .build()
          .start();
      EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      loops.add(clientLoop);
      channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
          .channelType(EpollDomainSocketChannel.class)
          .eventLoopGroup(clientLoop)
          .usePlaintext()
          .build();
      AuthorizationGrpc.AuthorizationStub stub = AuthorizationGrpc.newStub(channel);
      Semaphore slots = new Semaphore(inFlight);
      // The answers are dropped: each call only frees its slot (and a failed one is counted).
      StreamObserver<CheckResponse> answered = new StreamObserver<>() {
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
      };
      for (; sent < checks && System.nanoTime() < deadline; sent++) {
        if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        stub.check(requests.get((int) (sent % requests.size())), answered);
      }
      slots.tryAcquire(inFlight, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } finally {
      failed = failures.get(); // what the shutdown below cancels is not a failure
      close(channel, server, loops, dir);
    }
    return new Result(sent, failed, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Stops everything the warm-up started, then waits for it (briefly); an interrupt is kept for the caller. */
  private static void close(ManagedChannel channel, Server server, List<EventLoopGroup> loops, Path dir) {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
    loops.forEach(l -> l.shutdownGracefully(0, 0, TimeUnit.SECONDS));
    boolean interrupted = Thread.interrupted();
    try {
      if (channel != null) {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      }
      if (server != null) {
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        log.warn("could not remove the warm-up's directory {}: {}", dir, e.toString());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Checks as Envoy sends them, for hostnames of the snapshot's own workloads (each form the
   * engine parses: regional, and the global name) and for ones it refuses (unknown workload,
   * malformed host), with no credential and with unusable ones.
   */
  static List<CheckRequest> requests(AuthzSnapshot snapshot, List<CheckRequest> allowed) {
    List<String> hosts = new ArrayList<>();
    String base = baseDomain(snapshot);
    snapshot.workloads().values().stream().limit(16).forEach((WorkloadEntry w) -> {
      hosts.add(w.id() + "." + base);
      w.regions().stream().sorted().forEach(region -> hosts.add(w.id() + "." + region + "." + base));
    });
    snapshot.catalog().regions().keySet().stream().sorted().limit(4)
        .forEach(region -> hosts.add("agt-warmup-unknown." + region + "." + base));
    hosts.add("not a host");
    hosts.add("agt-." + base);
    List<Map<String, String>> credentials = List.of(Map.of(), Map.of("authorization", "Bearer not-a-token"),
        Map.of("authorization", "Bearer a.b.c"), Map.of("authorization", "Basic d2FybTp1cA=="),
        Map.of("x-api-key", "gk_warm_up"));
    List<CheckRequest> requests = new ArrayList<>();
    for (String host : hosts) {
      for (Map<String, String> credential : credentials) {
        requests.add(check(host, credential));
      }
    }
    // The allow path as often as all the refusals together: it is what a burst mostly is.
    List<CheckRequest> mixed = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      mixed.add(requests.get(i));
      mixed.add(allowed.get(i % allowed.size()));
    }
    return mixed;
  }

  /** The snapshot's first base domain (sorted): the one its hostnames are made with here. */
  static String baseDomain(AuthzSnapshot snapshot) {
    return snapshot.baseDomains().stream().sorted().findFirst().orElse("run.example");
  }

  /** A Check as Envoy sends it for {@code host}, with {@code headers} besides its own. */
  static CheckRequest check(String host, Map<String, String> headers) {
    AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
        .setHost(host).setMethod("GET").setPath("/warm-up").setScheme("http").setProtocol("HTTP/2")
        .putHeaders(":authority", host).putHeaders(":method", "GET").putHeaders(":path", "/warm-up")
        .putHeaders(":scheme", "http").putHeaders("user-agent", "gantry-warm-up")
        .putHeaders("x-request-id", "00000000-0000-4000-8000-000000000000")
        .putAllHeaders(headers);
    return CheckRequest.newBuilder()
        .setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
        .build();
  }
}
