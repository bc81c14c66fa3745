package dev.gantry.controlplane.authzsync;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the authorization snapshot to the authz sidecars: a complete update when a sidecar
 * connects, then the difference for every new fleet state, in version order.
 *
 * <p>A sidecar names the version it holds when it reconnects; it still gets a complete update,
 * because versions do not yet survive a control-plane restart (the in-memory store starts
 * again at 1), so a version number alone cannot prove what it holds. TODO(issue 5): resume from
 * {@code known_version} once the durable store keeps versions monotonic.
 */
@ThreadSafe
public final class AuthzSnapshotService extends AuthzSnapshotServiceGrpc.AuthzSnapshotServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(AuthzSnapshotService.class);

  private final Topology topology;

  @GuardedBy("this")
  private FleetState current = FleetState.empty();

  // StreamObservers are not thread-safe: every send happens under `this`.
  @GuardedBy("this")
  private final Set<ServerCallStreamObserver<SnapshotUpdate>> watchers = new LinkedHashSet<>();

  public AuthzSnapshotService(Topology topology) {
    this.topology = topology;
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<SnapshotUpdate> responses) {
    ServerCallStreamObserver<SnapshotUpdate> watcher = (ServerCallStreamObserver<SnapshotUpdate>) responses;
    log.info("authz sidecar {} (region {}) watching from version {}",
        request.getSidecarId(), request.getRegion(), request.getKnownVersion());
    synchronized (this) {
      watcher.setOnCancelHandler(() -> forget(watcher, request.getSidecarId()));
      watcher.onNext(SnapshotMessages.full(topology, current));
      watchers.add(watcher);
    }
  }

  /**
   * Takes the next fleet state and sends its difference to every watcher. Called in version
   * order by the store; sending only queues on each stream, it never waits for a sidecar.
   */
  public synchronized void accept(FleetState next) {
    if (next.version() <= current.version()) {
      return; // the empty state every store starts from, or a state already sent
    }
    SnapshotUpdate update = SnapshotMessages.diff(topology, current, next);
    current = next;
    for (ServerCallStreamObserver<SnapshotUpdate> watcher : watchers) {
      watcher.onNext(update);
    }
  }

  private synchronized void forget(ServerCallStreamObserver<SnapshotUpdate> watcher, String sidecarId) {
    if (watchers.remove(watcher)) {
      log.info("authz sidecar {} stopped watching", sidecarId);
    }
  }
}
