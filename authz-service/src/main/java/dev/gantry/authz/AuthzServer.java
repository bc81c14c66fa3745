package dev.gantry.authz;

import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.grpc.ExtAuthzService;
import dev.gantry.authz.snapshot.SnapshotClient;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
   */
  public record Config(InetSocketAddress listen, InetSocketAddress controlPlane, String region, String sidecarId) {}

  private final Server server;
  private final ManagedChannel controlPlane;
  private final SnapshotClient snapshots;
  private final ScheduledExecutorService scheduler;
  private final SnapshotStore store;

  private AuthzServer(
      Server server, ManagedChannel controlPlane, SnapshotClient snapshots,
      ScheduledExecutorService scheduler, SnapshotStore store) {
    this.server = server;
    this.controlPlane = controlPlane;
    this.snapshots = snapshots;
    this.scheduler = scheduler;
    this.store = store;
  }

  /** Starts serving; Check answers 503 (via Envoy) until the first snapshot arrived. */
  public static AuthzServer start(Config config) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("", ServingStatus.NOT_SERVING);
    SnapshotStore store =
        new SnapshotStore(
            snapshot -> {
              health.setStatus("", ServingStatus.SERVING);
              log.info("serving snapshot version {} ({} workloads)", snapshot.version(), snapshot.workloads().size());
            });
    ExtAuthzService extAuthz = new ExtAuthzService(store, new DecisionEngine(config.region()));

    Server server =
        NettyServerBuilder.forAddress(config.listen())
            // Check never blocks (an in-memory lookup), so it runs on the transport thread
            // instead of paying a hand-off to an executor on every request.
            .directExecutor()
            // Envoy pings every 30 s or so; gRPC-Java's default (5 min) would kill its streams.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(extAuthz)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();

    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "authz-snapshot");
          t.setDaemon(true);
          return t;
        });
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(config.controlPlane())
            .usePlaintext()
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .build();
    SnapshotClient snapshots = new SnapshotClient(channel, store, scheduler, config.sidecarId(), config.region());
    snapshots.start();
    log.info("authz-service {} for region {} listening on {}", config.sidecarId(), config.region(), server.getListenSockets());
    return new AuthzServer(server, channel, snapshots, scheduler, store);
  }

  /** The port Check is served on (useful when started on port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Where the current snapshot lives; tests wait on it. */
  public SnapshotStore snapshots() {
    return store;
  }

  @Override
  public void close() throws InterruptedException {
    snapshots.close();
    server.shutdownNow();
    controlPlane.shutdownNow();
    scheduler.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    controlPlane.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
