package dev.gantry.authz;

import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.jwks.JwksCache;
import dev.gantry.authz.grpc.DecisionLog;
import dev.gantry.authz.grpc.CheckTraceContext;
import dev.gantry.authz.grpc.ExtAuthzService;
import dev.gantry.authz.grpc.UsageMetrics;
import dev.gantry.authz.grpc.UsageObserver;
import dev.gantry.authz.usage.QuotaBlocks;
import dev.gantry.authz.usage.UsageLedger;
import dev.gantry.authz.snapshot.UsageReporter;
import dev.gantry.authz.snapshot.SnapshotClient;
import dev.gantry.authz.snapshot.SnapshotStore;
import dev.gantry.authz.snapshot.SnapshotMetrics;
import io.grpc.ManagedChannel;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.SidecarAddress;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authz-service wired together: the ext_authz gRPC server, the snapshot it answers from,
 * and the stream that keeps that snapshot current. {@link AuthzServiceMain} and the
 * end-to-end tests start it the same way.
 */
public final class AuthzServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuthzServer.class);

  /**
   * What an authz-service needs to start.
   *
   * @param listen where Envoy reaches it
   * @param controlPlane the control plane's gRPC address
   * @param region the region whose gateway it serves
   * @param sidecarId its name in the control plane's status view
   * @param tls its certificate (spiffe://gantry/authz/&lt;region&gt;) and the CA the control plane's
   *     comes from, for the snapshot stream; null connects in plaintext (benchmarks in one process
   *     only: {@link AuthzServiceMain} always uses mutual TLS)
   */
  public record Config(
      SidecarAddress listen, InetSocketAddress controlPlane, String region, String sidecarId, JwksSettings jwks,
      TlsFiles tls, UsageSettings usage) {

    public Config(
        SidecarAddress listen, InetSocketAddress controlPlane, String region, String sidecarId, JwksSettings jwks,
        TlsFiles tls) {
      this(listen, controlPlane, region, sidecarId, jwks, tls, UsageSettings.DEFAULT);
    }

    /** A sidecar on a TCP address, without TLS to the control plane: benchmarks in one process only. */
    public Config(InetSocketAddress listen, InetSocketAddress controlPlane, String region, String sidecarId) {
      this(tcp(listen), controlPlane, region, sidecarId, JwksSettings.DEFAULT, null);
    }

    public Config(
        InetSocketAddress listen, InetSocketAddress controlPlane, String region, String sidecarId, JwksSettings jwks) {
      this(tcp(listen), controlPlane, region, sidecarId, jwks, null);
    }

    private static SidecarAddress tcp(InetSocketAddress address) {
      return new SidecarAddress.Tcp(new HostPort(address.getHostString(), address.getPort()));
    }
  }

  /**
   * How the sidecar keeps issuers' keys.
   *
   * @param minRefreshInterval least time between two fetches of a key set on unknown key ids
   * @param refreshEvery how often every key set is fetched again
   */
  public record JwksSettings(Duration minRefreshInterval, Duration refreshEvery) {
    public static final JwksSettings DEFAULT = new JwksSettings(Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  /**
   * What usage metering may hold.
   *
   * @param maxObservations responses observed at once; Envoy's observation of one more is refused
   *     (the response flows unobserved, counted in {@code gantry.usage.unobserved})
   * @param bufferBytes what all observations together may buffer while they wait for a body's
   *     end (a JSON body, an SSE event); a response that would need more is not read
   */
  public record UsageSettings(int maxObservations, long bufferBytes) {
    public static final UsageSettings DEFAULT = new UsageSettings(10_000, 64L << 20);
  }

  private final Server server;
  private final ManagedChannel controlPlane;
  private final SnapshotClient snapshots;
  private final ScheduledExecutorService scheduler;
  private final SnapshotStore store;
  private final JwksCache jwks;

  private final List<EventLoopGroup> loops;
  private final List<AutoCloseable> gauges;
  private final Thread warming;
  private final CompletableFuture<CheckWarmUp.Result> warmUp;
  private final UsageLedger usage;
  private final UsageReporter reporter;

  /**
   * The warm-up before SERVING: 20,000 Checks, 64 at a time, sent for at most 10 s (a sidecar
   * then reports SERVING, warm or not).
   */
  private static final CheckWarmUp WARM_UP = new CheckWarmUp(20_000, 64, Duration.ofSeconds(10));

  private AuthzServer(
      Server server, ManagedChannel controlPlane, SnapshotClient snapshots,
      ScheduledExecutorService scheduler, SnapshotStore store, JwksCache jwks, List<EventLoopGroup> loops,
      List<AutoCloseable> gauges, Thread warming, CompletableFuture<CheckWarmUp.Result> warmUp, UsageLedger usage,
      UsageReporter reporter) {
    this.usage = usage;
    this.reporter = reporter;
    this.warming = warming;
    this.warmUp = warmUp;
    this.loops = loops;
    this.gauges = gauges;
    this.server = server;
    this.controlPlane = controlPlane;
    this.snapshots = snapshots;
    this.scheduler = scheduler;
    this.store = store;
    this.jwks = jwks;
  }

  /** What this sidecar's gateway has metered. */
  public UsageLedger usage() {
    return usage;
  }

  /** The issuers' key sets; tests count its fetches. */
  public JwksCache jwks() {
    return jwks;
  }

  /** Starts serving, recording no metrics; Check answers 503 (via Envoy) until the first snapshot arrived. */
  public static AuthzServer start(Config config) throws IOException {
    return start(config, MeterProvider.noop().get("noop"));
  }

  /** Starts serving, recording its metrics on {@code meter}. */
  public static AuthzServer start(Config config, Meter meter) throws IOException {
    return start(config, meter, DecisionLog.NONE);
  }

  /** Starts serving, recording its metrics on {@code meter} and its decisions in {@code decisions} (the caller's to close). */
  public static AuthzServer start(Config config, Meter meter, DecisionLog decisions) throws IOException {
    return start(config, meter, decisions, null);
  }

  /**
   * As above, making a span per Check on {@code tracer} (none when null), in the trace of
   * Envoy's authorization call.
   */
  public static AuthzServer start(Config config, Meter meter, DecisionLog decisions, Tracer tracer) throws IOException {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "authz-snapshot");
          t.setDaemon(true);
          return t;
        });
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(scheduler)
        .build();
    JwksCache jwks = new JwksCache(http, scheduler, config.jwks().minRefreshInterval(), config.jwks().refreshEvery(), meter);
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("", ServingStatus.NOT_SERVING);
    // SERVING once the first snapshot is in and the Check path is warm (CheckWarmUp): Checks
    // are answered from the first snapshot on, SERVING says a burst will be answered in time.
    CompletableFuture<CheckWarmUp.Result> warmUp = new CompletableFuture<>();
    SnapshotMetrics snapshotMetrics = new SnapshotMetrics(meter, Clock.systemUTC());
    SnapshotStore store =
        new SnapshotStore(
            // A snapshot naming a new issuer waits (at most 2 s) for that issuer's keys, so the
            // first tokens after it arrives are not refused as unknown-kid.
            snapshot -> {
              snapshotMetrics.applying(snapshot);
              awaitQuietly(jwks.track(snapshot.workspaces().values().stream()
                  .flatMap(w -> w.issuers().stream()).map(IssuerEntry::jwksUri).collect(Collectors.toSet())));
            },
            snapshot -> {
              snapshotMetrics.applied(snapshot);
              if (warmUp.isDone()) {
                health.setStatus("", ServingStatus.SERVING);
                log.info("serving snapshot version {} ({} workloads)", snapshot.version(), snapshot.workloads().size());
              } else {
                log.info("applied snapshot version {} ({} workloads); warming up before reporting SERVING",
                    snapshot.version(), snapshot.workloads().size());
              }
            });
    VerifiedTokens tokens = new VerifiedTokens(100_000);
    List<AutoCloseable> gauges = new ArrayList<>(observe(meter, tokens));
    gauges.add(snapshotMetrics);
    JwtAuthenticator jwt = new JwtAuthenticator(jwks, tokens, Clock.systemUTC());
    QuotaBlocks quotaBlocks = new QuotaBlocks();
    DecisionEngine engine = new DecisionEngine(config.region(), jwt,
        new ApiKeyAuthenticator(Clock.systemUTC()), new MessageSignatures(Clock.systemUTC()), Clock.systemUTC(), quotaBlocks);
    ExtAuthzService extAuthz = new ExtAuthzService(store, engine, jwks, meter, decisions, tracer, config.region());

    // Usage metering: Envoy's ext_proc observes metered responses through the same listener
    // (who may connect is the Check's rule: SidecarListener), counted where the Check is decided.
    UsageLedger usage = new UsageLedger();
    UsageObserver usageObserver = new UsageObserver(store, usage, new UsageMetrics(meter), config.region(), Clock.systemUTC(),
        config.usage().maxObservations(), new dev.gantry.authz.usage.BufferBudget(config.usage().bufferBytes()));

    List<EventLoopGroup> loops = new ArrayList<>();
    Server server =
        SidecarListener.builder(config.listen(), loops)
            .addService(io.grpc.ServerInterceptors.intercept(extAuthz, new CheckTraceContext()))
            .addService(usageObserver)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();

    // The snapshot stream: mutual TLS, this sidecar's identity shown, the control plane's checked.
    NettyChannelBuilder channelBuilder = config.tls() == null
        ? NettyChannelBuilder.forAddress(config.controlPlane()).usePlaintext()
        : NettyChannelBuilder.forAddress(config.controlPlane(),
            GrpcTls.client(config.tls(), peer -> peer.role() == Identity.Role.CONTROL_PLANE, scheduler));
    ManagedChannel channel =
        channelBuilder
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .build();
    SnapshotClient snapshots = new SnapshotClient(channel, store, scheduler, config.sidecarId(), config.region());
    snapshots.start();
    // Usage goes to the control plane every second; its answer says which workspaces are over a quota.
    UsageReporter reporter = new UsageReporter(channel, usage, quotaBlocks, config.sidecarId(), config.region());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        reporter.tick();
      } catch (RuntimeException e) {
        log.warn("usage report not sent ({}); trying again", e.toString());
      }
    }, UsageReporter.INTERVAL_MILLIS, UsageReporter.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    SidecarListener.restrict(config.listen());
    Thread warming = Thread.ofPlatform().name("authz-warm-up").daemon().start(() -> {
      CheckWarmUp.Result result = CheckWarmUp.Result.NONE;
      try {
        store.awaitFirst(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        result = WARM_UP.run(store, config.region());
        log.info("warmed up the Check path ({} checks in {} ms); serving snapshot version {}",
            result.checks(), result.took().toMillis(), store.current().version());
      } catch (InterruptedException e) {
        return; // closing: never SERVING
      } catch (Throwable e) {
        // A sidecar that cannot warm up still serves: cold, as before there was a warm-up.
        log.warn("could not warm up the Check path ({}); serving cold", e.toString());
      }
      if (!Thread.currentThread().isInterrupted()) {
        warmUp.complete(result);
        health.setStatus("", ServingStatus.SERVING);
      }
    });
    log.info("authz-service {} for region {} listening on {}", config.sidecarId(), config.region(), server.getListenSockets());
    return new AuthzServer(server, channel, snapshots, scheduler, store, jwks, loops, gauges, warming, warmUp, usage,
        reporter);
  }

  /**
   * {@code gantry.authz.token_cache.lookups} by {@code result} (hit, miss) and {@code
   * gantry.authz.token_cache.size}: read from the cache when metrics are collected.
   */
  private static List<AutoCloseable> observe(Meter meter, VerifiedTokens tokens) {
    Attributes hit = Attributes.of(AttributeKey.stringKey("result"), "hit");
    Attributes miss = Attributes.of(AttributeKey.stringKey("result"), "miss");
    AutoCloseable lookups = meter.counterBuilder("gantry.authz.token_cache.lookups")
        .setDescription("Lookups in the verified-token cache, by result").setUnit("{lookup}")
        .buildWithCallback(m -> {
          VerifiedTokens.Stats stats = tokens.stats();
          m.record(stats.hits(), hit);
          m.record(stats.misses(), miss);
        });
    AutoCloseable size = meter.gaugeBuilder("gantry.authz.token_cache.size").ofLongs()
        .setDescription("Tokens in the verified-token cache (estimated)").setUnit("{token}")
        .buildWithCallback(m -> m.record(tokens.size()));
    return List.of(lookups, size);
  }

  private static void awaitQuietly(CompletableFuture<Void> keys) {
    try {
      keys.get(2, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("issuer keys not fetched within 2 s; serving the snapshot anyway (tokens of new issuers get unknown-kid until they are)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The port Check is served on, on TCP (useful when started on port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Where the current snapshot lives; tests wait on it. */
  public SnapshotStore snapshots() {
    return store;
  }

  /** The warm-up before SERVING: done (how many Checks it sent) once the sidecar reports SERVING. */
  public CompletableFuture<CheckWarmUp.Result> warmUp() {
    return warmUp.copy();
  }

  @Override
  public void close() throws InterruptedException {
    // What was metered and not yet reported goes now (for at most 2 s), not with the process.
    reporter.flush(java.time.Duration.ofSeconds(2));
    warming.interrupt();
    warming.join(5_000);
    snapshots.close();
    server.shutdownNow();
    controlPlane.shutdownNow();
    scheduler.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    controlPlane.awaitTermination(5, TimeUnit.SECONDS);
    loops.forEach(EventLoopGroup::shutdownGracefully);
    for (AutoCloseable gauge : gauges) {
      try {
        gauge.close();
      } catch (Exception e) {
        log.warn("could not remove a gauge: {}", e.toString());
      }
    }
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
