package dev.gantry.controlplane;

import dev.gantry.controlplane.admin.ApiKeyAdmin;
import dev.gantry.controlplane.admin.NameAdmin;
import dev.gantry.controlplane.deploy.ApiKeyMint;
import dev.gantry.controlplane.admin.PolicyAdmin;
import dev.gantry.controlplane.admin.RegionAdmin;
import dev.gantry.controlplane.admin.SigningKeyAdmin;
import dev.gantry.controlplane.admin.StatusAdmin;
import dev.gantry.controlplane.status.FleetMetrics;
import dev.gantry.controlplane.status.PropagationMetrics;
import dev.gantry.controlplane.status.StoreMetrics;
import dev.gantry.controlplane.status.FleetStatusBoard;
import dev.gantry.controlplane.access.AdminCallMetrics;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import dev.gantry.controlplane.xds.ResumingDeltaWatcher;
import dev.gantry.controlplane.admin.ReplicaAdmin;
import dev.gantry.controlplane.admin.WorkloadAdmin;
import dev.gantry.controlplane.admin.WorkspaceAdmin;
import dev.gantry.controlplane.access.AdminAccess;
import dev.gantry.controlplane.access.AdminRules;
import dev.gantry.controlplane.access.AdsAccess;
import dev.gantry.controlplane.access.AuditAdmin;
import dev.gantry.controlplane.access.AuditLog;
import dev.gantry.controlplane.access.MemoryAuditLog;
import dev.gantry.controlplane.access.SnapshotAccess;
import dev.gantry.controlplane.access.SqlAuditLog;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.edge.CertificateMetrics;
import dev.gantry.controlplane.edge.EdgeCertificateDirectory;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.edge.LocalEdgeIssuer;
import java.util.concurrent.atomic.AtomicReference;
import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.PeerIdentity;
import dev.gantry.pki.TlsFiles;
import io.grpc.ServerInterceptors;
import dev.gantry.controlplane.deploy.NameRules;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.replicas.LeaseBook;
import dev.gantry.controlplane.replicas.LeaseMetrics;
import dev.gantry.controlplane.replicas.MemoryLeaseBook;
import dev.gantry.controlplane.replicas.ReplicaLeases;
import dev.gantry.controlplane.store.Database;
import dev.gantry.controlplane.usage.MemoryUsageBook;
import dev.gantry.controlplane.usage.QuotaBoard;
import dev.gantry.controlplane.usage.SqlUsageBook;
import dev.gantry.controlplane.usage.UsageBook;
import dev.gantry.controlplane.usage.UsageIntake;
import dev.gantry.controlplane.usage.UsageReports;
import dev.gantry.controlplane.replicas.SqlLeaseBook;
import java.util.concurrent.ScheduledExecutorService;
import dev.gantry.controlplane.authzsync.AuthzSnapshotService;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.controlplane.xds.ContentVersionedSnapshot;
import dev.gantry.controlplane.xds.RegionNodeGroup;
import dev.gantry.controlplane.xds.RoundRobinExecutorGroup;
import dev.gantry.controlplane.xds.XdsCallbacks;
import dev.gantry.controlplane.xds.XdsPublisher;
import dev.gantry.controlplane.xds.GatewayTracing;
import dev.gantry.controlplane.xds.XdsTranslator;
import dev.gantry.routing.HostPort;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane wired together: the store, the xDS publisher and ADS server for the
 * Envoys, the snapshot stream for the authz sidecars, and the admin API (regions, workloads,
 * policies, replicas with their leases), all on one gRPC port.
 * {@link ControlPlaneMain} and the end-to-end tests start it the same way.
 */
public final class ControlPlane implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /**
   * @param listen where Envoys (ADS), authz sidecars (snapshot stream) and admin clients connect
   * @param topology the region catalog and gateway sites
   * @param seed the state to start with when the store is empty
   * @param database where the state is kept; null keeps it in memory only (tests)
   * @param tls its certificate (spiffe://gantry/control-plane) and the CA its clients' certificates
   *     must come from; null serves plaintext without any access control, for benchmarks in one
   *     process only ({@link ControlPlaneMain} always serves mutual TLS)
   */
  public record Config(HostPort listen, Topology topology, FleetState seed, Database database, TlsFiles tls, Edge edge,
      GatewayTracing tracing) {

    /** A control plane whose gateways do not trace. */
    public Config(HostPort listen, Topology topology, FleetState seed, Database database, TlsFiles tls, Edge edge) {
      this(listen, topology, seed, database, tls, edge, null);
    }

    /** A control plane whose gateways serve no HTTPS. */
    public Config(HostPort listen, Topology topology, FleetState seed, Database database, TlsFiles tls) {
      this(listen, topology, seed, database, tls, null);
    }

    /** A control plane whose state lives in memory only. */
    public Config(HostPort listen, Topology topology, FleetState seed) {
      this(listen, topology, seed, null, null);
    }

    /** A plaintext control plane: benchmarks in one process only. */
    public Config(HostPort listen, Topology topology, FleetState seed, Database database) {
      this(listen, topology, seed, database, null);
    }
  }

  /**
   * Where the catalog's edge certificates come from.
   *
   * @param dir the directory of certificates ({@link EdgeCertificateDirectory}), watched
   * @param localCa when not null, the local CA that issues the catalog's certificate into
   *     {@code dir} ({@code ./gantry up}); production leaves it null and brings its own
   */
  public record Edge(java.nio.file.Path dir, dev.gantry.pki.PkiDirectory localCa) {}

  /**
   * The largest message a client may send (gRPC-Java's default, said here): an admin request is
   * a few KiB (a custom domain's certificate chain and key, at most 80 KiB), a sidecar's report
   * less. Larger ones are refused RESOURCE_EXHAUSTED before any service runs. An Envoy's
   * state-of-the-world EDS request names every cluster it wants; a fleet of about 100,000
   * workloads would exceed this, and delta xDS (which names only changes) is the way there.
   */
  static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  /** How often the edge certificate directory is looked at. */
  static final long EDGE_SCAN_SECONDS = 2;

  /** How often a control plane with a database looks for writes of other replicas. */
  static final long REFRESH_MILLIS = 200;

  /**
   * How often the quotas are checked against the usage reported: with the sidecars' report
   * interval, how late a block may come (docs/operations.md, "Quotas").
   */
  static final long QUOTA_REFRESH_MILLIS = 1000;

  /**
   * How long the start waits for every region's first snapshot before it listens: a region whose
   * state cannot be translated must not keep the admin API (the way to mend it) shut for good.
   */
  static final long FIRST_PUBLICATION_LIMIT_SECONDS = 120;

  private final Server server;
  private final FleetStore store;
  private final FleetStatusBoard status;
  private final List<ExecutorService> executors;
  private final List<AutoCloseable> gauges;

  private ControlPlane(Server server, FleetStore store, FleetStatusBoard status, List<ExecutorService> executors,
      List<AutoCloseable> gauges) {
    this.gauges = gauges;
    this.server = server;
    this.store = store;
    this.status = status;
    this.executors = executors;
  }

  /** Starts serving, recording no metrics. */
  public static ControlPlane start(Config config) throws IOException {
    return start(config, MeterProvider.noop().get("noop"));
  }

  /** Starts serving, recording its metrics on {@code meter}. */
  public static ControlPlane start(Config config, Meter meter) throws IOException {
    List<ExecutorService> executors = new ArrayList<>();
    ExecutorService publishing = Executors.newSingleThreadExecutor(daemon("xds-publish"));
    ExecutorService grpc = Executors.newFixedThreadPool(4, daemon("control-plane-grpc"));
    // A state's regions are translated side by side, one per core at most.
    int translators = Math.max(1, Math.min(config.topology().catalog().regions().size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService translating = Executors.newFixedThreadPool(translators, daemon("xds-translate"));
    executors.add(publishing);
    executors.add(translating);
    executors.add(grpc);
    List<Executor> xdsResponders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ExecutorService responder = Executors.newSingleThreadExecutor(daemon("xds-respond-" + i));
      executors.add(responder);
      xdsResponders.add(responder);
    }

    Topology topology = config.topology();
    FleetStore store = config.database() == null ? new FleetStore() : new FleetStore(config.database());
    FleetStatusBoard board = new FleetStatusBoard();
    RegionNodeGroup regionsOfEnvoys = new RegionNodeGroup();
    SimpleCache<String> cache = new SimpleCache<>(regionsOfEnvoys);
    XdsPublisher publisher = new XdsPublisher(new XdsTranslator(topology, config.tracing()), cache,
        topology.catalog().regions().keySet(), publishing, translating, board);
    // Delta streams resume from what a reconnecting Envoy holds (the library alone ignores it); one
    // that holds a type's current version already is counted so, though no response comes to ACK.
    ResumingDeltaWatcher watcher = new ResumingDeltaWatcher(cache, regionsOfEnvoys,
        (stream, typeUrl, version) -> board.acked(stream, ContentVersionedSnapshot.shortType(typeUrl), version));
    V3DiscoveryServer ads =
        new V3DiscoveryServer(
            List.of(new XdsCallbacks(topology.catalog().regions().keySet(), board, publisher, watcher, meter)),
            watcher,
            new RoundRobinExecutorGroup(xdsResponders),
            new CachedProtoResourcesSerializer());
    // Metered usage: the sidecars report theirs every second; whoever is over a quota is told in the answer.
    UsageBook usageBook = config.database() == null ? new MemoryUsageBook() : new SqlUsageBook(config.database());
    QuotaBoard quotaBoard = new QuotaBoard(store::current, usageBook, java.time.Clock.systemUTC());
    AuthzSnapshotService snapshots = new AuthzSnapshotService(topology, store.identity(), board,
        new UsageReports(new UsageIntake(usageBook), quotaBoard));
    AutoCloseable gauges = FleetMetrics.register(meter, board, topology.catalog().regions().keySet(),
        () -> store.current().version());
    store.observe(new StoreMetrics(meter));
    PropagationMetrics propagation = new PropagationMetrics(board, meter, System::nanoTime);
    store.observe(propagation);
    board.onChange(propagation::check);

    ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(daemon("store-maintenance"));
    executors.add(expiry);
    AtomicReference<EdgeCertificates> edge = new AtomicReference<>(EdgeCertificates.NONE);
    AutoCloseable certificateGauges =
        CertificateMetrics.register(meter, edge::get, () -> store.current().routing(), java.time.Clock.systemUTC());
    if (config.edge() != null) {
      watchEdge(config.edge(), topology, expiry, certificates -> {
        edge.set(certificates);
        publisher.acceptEdge(certificates);
      });
    }
    store.subscribe(publisher::accept);
    store.subscribe(snapshots::accept);
    if (store.current().version() == 0) {
      // Only into an empty store: a replica starting beside another that seeded keeps its state.
      store.update(state -> state.version() == 0 ? config.seed() : state);
    } else {
      log.info("store {} holds state version {}: the seed is not applied", config.database().describe(),
          store.current().version());
    }

    Deployments deployments = new Deployments(topology);
    WorkspaceRules workspaceRules = new WorkspaceRules(topology);
    LeaseBook book = config.database() == null ? new MemoryLeaseBook() : new SqlLeaseBook(config.database());
    ReplicaLeases leases = new ReplicaLeases(store, deployments, book, System::currentTimeMillis);
    LeaseMetrics leaseMetrics = new LeaseMetrics(meter, book, topology.catalog().regions().keySet());
    expiry.scheduleWithFixedDelay(() -> {
      try {
        leaseMetrics.refresh();
      } catch (RuntimeException e) {
        log.warn("counting replica leases failed; trying again: {}", e.getMessage());
      }
    }, 0, 5, TimeUnit.SECONDS);
    if (config.database() != null && config.database().isShared()) {
      expiry.scheduleWithFixedDelay(() -> {
        try {
          store.refresh();
        } catch (RuntimeException e) {
          log.warn("reading the store for other replicas' writes failed; trying again: {}", e.getMessage());
        }
      }, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }
    expiry.scheduleWithFixedDelay(() -> {
      try {
        quotaBoard.refresh();
      } catch (RuntimeException e) {
        log.warn("checking quotas failed (the last blocks stand); trying again: {}", e.getMessage());
      }
    }, 0, QUOTA_REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    expiry.scheduleWithFixedDelay(() -> {
      try {
        usageBook.dropBefore(System.currentTimeMillis() / 1000 - UsageBook.RETENTION_DAYS * 86_400L);
      } catch (RuntimeException e) {
        log.warn("dropping old usage failed; trying again: {}", e.getMessage());
      }
    }, 1, 60, TimeUnit.MINUTES);
    expiry.scheduleWithFixedDelay(() -> {
      try {
        List<Replica> expired = leases.expire();
        leaseMetrics.expired(expired);
        expired.forEach(r -> log.info("replica {} of {} in {} missed its heartbeats: removed",
            r.address(), r.workload(), r.region()));
      } catch (RuntimeException e) {
        log.error("expiring replicas failed; trying again", e);
      }
    }, 500, 500, TimeUnit.MILLISECONDS);

    // Envoys are served once every region has a snapshot: before one, a delta Envoy reconnecting
    // would be compared with nothing — what vanished while it was away would not be named in
    // removed_resources, and one holding everything would be sent nothing to ACK
    // (xds/ResumingDeltaWatcher).
    awaitFirstPublication(publisher);
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("", ServingStatus.SERVING);
    InetSocketAddress address = new InetSocketAddress(config.listen().host(), config.listen().port());
    // Every client shows a certificate (mutual TLS); who it is decides what it may call:
    // gateways ADS for their own region, sidecars the snapshot stream for theirs, admin
    // identities the admin API by its rules, every admin write audited (docs/threat-model.md).
    boolean guarded = config.tls() != null;
    NettyServerBuilder builder = guarded
        ? NettyServerBuilder.forAddress(address, GrpcTls.server(config.tls(), expiry))
        : NettyServerBuilder.forAddress(address);
    AuditLog audit = config.database() == null ? new MemoryAuditLog() : new SqlAuditLog(config.database());
    AdminAccess adminAccess = new AdminAccess(new AdminRules(), store::current, audit, java.time.Clock.systemUTC());
    AdminCallMetrics adminCalls = new AdminCallMetrics(meter);
    // Interceptors run last-given first: calls are counted outside the access check, refused ones too.
    java.util.function.Function<io.grpc.BindableService, io.grpc.ServerServiceDefinition> admin =
        service -> guarded ? ServerInterceptors.intercept(service, adminAccess, adminCalls)
            : ServerInterceptors.intercept(service, adminCalls);
    if (guarded) {
      builder.intercept(new PeerIdentity());
    }
    Server server =
        builder
            .executor(grpc)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            // Envoy's ADS keepalive pings come every 30 s; gRPC-Java's default minimum (5 min)
            // would answer them with GOAWAY and cut the stream.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(guarded ? ServerInterceptors.intercept(ads.getAggregatedDiscoveryServiceImpl(), AdsAccess.interceptor())
                : ads.getAggregatedDiscoveryServiceImpl().bindService())
            .addService(guarded ? ServerInterceptors.intercept(snapshots, SnapshotAccess.interceptor()) : snapshots.bindService())
            .addService(admin.apply(new RegionAdmin(topology)))
            .addService(admin.apply(new WorkloadAdmin(topology, store, deployments)))
            .addService(admin.apply(new PolicyAdmin(topology, store, deployments)))
            .addService(admin.apply(new dev.gantry.controlplane.admin.PreviewAdmin(topology, store,
                new dev.gantry.controlplane.deploy.PreviewRules(), java.time.Clock.systemUTC())))
            .addService(admin.apply(new ReplicaAdmin(store, deployments, leases)))
            .addService(admin.apply(new WorkspaceAdmin(topology, store, workspaceRules)))
            .addService(admin.apply(new NameAdmin(topology, store, new NameRules(topology), java.time.Clock.systemUTC())))
            .addService(admin.apply(new SigningKeyAdmin(store, workspaceRules)))
            .addService(admin.apply(new ApiKeyAdmin(store, workspaceRules, new ApiKeyMint(), java.time.Clock.systemUTC())))
            .addService(admin.apply(new StatusAdmin(store, board, snapshots, config.listen().toString(), topology, edge::get,
                java.time.Clock.systemUTC())))
            .addService(admin.apply(new AuditAdmin(audit)))
            .addService(admin.apply(new dev.gantry.controlplane.admin.UsageAdmin(store, workspaceRules, usageBook, quotaBoard,
                java.time.Clock.systemUTC())))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    log.info("control plane listening on {} for regions {}", server.getListenSockets(), topology.catalog().regions().keySet());
    return new ControlPlane(server, store, board, executors, List.of(gauges, certificateGauges, leaseMetrics));
  }

  private static void awaitFirstPublication(XdsPublisher publisher) throws IOException {
    try {
      publisher.everyRegionPublished().get(FIRST_PUBLICATION_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("not every region has a published config after {} s (see the errors above): listening anyway",
          FIRST_PUBLICATION_LIMIT_SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the first publication failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for the first publication");
    }
  }

  /**
   * Loads the edge certificates now (so the first publication has them), then looks for changes
   * every {@link #EDGE_SCAN_SECONDS}; with a local CA, issues the catalog's certificate first and
   * renews it when due (looked at hourly).
   */
  private static void watchEdge(Edge config, Topology topology, ScheduledExecutorService scheduler,
      java.util.function.Consumer<EdgeCertificates> changes) throws IOException {
    EdgeCertificateDirectory directory = new EdgeCertificateDirectory(config.dir(), java.time.Clock.systemUTC(), changes);
    if (config.localCa() != null) {
      LocalEdgeIssuer issuer = new LocalEdgeIssuer(config.localCa(), config.dir(), topology);
      issuer.ensure();
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          issuer.ensure();
        } catch (IOException | RuntimeException e) {
          log.warn("could not renew the local edge certificate; trying again in an hour: {}", e.toString());
        }
      }, 1, 1, TimeUnit.HOURS);
    }
    directory.scan();
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        directory.scan();
      } catch (RuntimeException e) {
        log.warn("looking at the edge certificates in {} failed; trying again: {}", config.dir(), e.toString());
      }
    }, EDGE_SCAN_SECONDS, EDGE_SCAN_SECONDS, TimeUnit.SECONDS);
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The port it serves on (useful when started on port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The state store; tests and (later) the admin API write through it. */
  public FleetStore store() {
    return store;
  }

  /** What this control plane knows of its fleet (what {@code StatusService} answers from). */
  public FleetStatusBoard status() {
    return status;
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    executors.forEach(ExecutorService::shutdownNow);
    for (AutoCloseable gauge : gauges) {
      try {
        gauge.close();
      } catch (Exception e) {
        log.warn("could not remove the control plane's gauges: {}", e.toString());
      }
    }
  }
}
