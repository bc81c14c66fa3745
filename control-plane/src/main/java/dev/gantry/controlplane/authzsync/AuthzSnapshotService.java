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
import dev.gantry.controlplane.status.FleetStatusBoard;
import dev.gantry.proto.snapshot.v1.SidecarReport;
import dev.gantry.proto.snapshot.v1.SidecarReportAck;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Streams the authorization snapshot to the authz sidecars: a complete update when a sidecar
 * connects, then the difference for every new fleet state, in version order.
 *
 * <p>A sidecar that reconnects names the version and lineage it holds. Within the same lineage
 * (the same store, so versions mean the same state on every control-plane replica and across
 * restarts, and the same catalog) it gets only the updates it missed, from the last {@value
 * #HISTORY} kept here, or nothing when it is current; otherwise a complete update.
 *
 * <p>Sidecars report the version they serve ({@code Report}); the status board shows it.
 */
@ThreadSafe
public final class AuthzSnapshotService extends AuthzSnapshotServiceGrpc.AuthzSnapshotServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(AuthzSnapshotService.class);

  /** Differences kept for sidecars that resume. */
  static final int HISTORY = 256;

  private final Topology topology;
  private final String lineage;
  private final FleetStatusBoard board;

  @GuardedBy("this")
  private FleetState current = FleetState.empty();

  /** The last differences sent, oldest first; each applies on top of the one before. */
  @GuardedBy("this")
  private final Deque<SnapshotUpdate> recent = new ArrayDeque<>();

  // StreamObservers are not thread-safe: every send happens under `this`.
  @GuardedBy("this")
  private final Set<ServerCallStreamObserver<SnapshotUpdate>> watchers = new LinkedHashSet<>();

  /**
   * @param storeIdentity the store's identity ({@code FleetStore.identity()}); with the catalog,
   *     it makes the lineage
   */
  public AuthzSnapshotService(Topology topology, String storeIdentity, FleetStatusBoard board) {
    this.topology = topology;
    this.lineage = storeIdentity + "/" + SnapshotMessages.catalogHash(topology);
    this.board = board;
  }

  /** A service for tests: a lineage of its own, a board nobody reads. */
  public AuthzSnapshotService(Topology topology) {
    this(topology, "test-" + java.util.UUID.randomUUID(), new FleetStatusBoard());
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<SnapshotUpdate> responses) {
    ServerCallStreamObserver<SnapshotUpdate> watcher = (ServerCallStreamObserver<SnapshotUpdate>) responses;
    board.sidecarConnected(request.getSidecarId(), request.getRegion());
    synchronized (this) {
      watcher.setOnCancelHandler(() -> forget(watcher, request.getSidecarId()));
      List<SnapshotUpdate> missed = missedSince(request);
      if (missed == null) {
        watcher.onNext(SnapshotMessages.full(topology, current).toBuilder().setLineage(lineage).build());
        log.info("authz sidecar {} (region {}) watching: complete update at version {} (it held {})",
            request.getSidecarId(), request.getRegion(), current.version(), request.getKnownVersion());
      } else {
        missed.forEach(watcher::onNext);
        log.info("authz sidecar {} (region {}) resumes from version {}: {} update(s) to version {}",
            request.getSidecarId(), request.getRegion(), request.getKnownVersion(), missed.size(), current.version());
      }
      watchers.add(watcher);
    }
  }

  /** The updates a sidecar holding {@code request.known_version} missed, or null when it needs a complete one. */
  @GuardedBy("this")
  private List<SnapshotUpdate> missedSince(WatchRequest request) {
    long known = request.getKnownVersion();
    if (known == 0 || !lineage.equals(request.getLineage()) || known > current.version()) {
      return null;
    }
    if (known == current.version()) {
      return List.of();
    }
    List<SnapshotUpdate> missed = new ArrayList<>();
    for (SnapshotUpdate update : recent) {
      if (update.getBaseVersion() >= known) {
        missed.add(update);
      }
    }
    return !missed.isEmpty() && missed.getFirst().getBaseVersion() == known ? missed : null;
  }

  @Override
  public void report(SidecarReport report, StreamObserver<SidecarReportAck> responses) {
    board.sidecarReported(report.getSidecarId(), report.getRegion(), report.getServingVersion(),
        report.getRejectedVersion(), report.getRejection());
    responses.onNext(SidecarReportAck.getDefaultInstance());
    responses.onCompleted();
  }

  /** The version every sidecar should serve: the newest state this service has sent. */
  public synchronized long currentVersion() {
    return current.version();
  }

  /**
   * Takes the next fleet state and sends its difference to every watcher. Called in version
   * order by the store; sending only queues on each stream, it never waits for a sidecar.
   */
  public synchronized void accept(FleetState next) {
    if (next.version() <= current.version()) {
      return; // the empty state every store starts from, or a state already sent
    }
    SnapshotUpdate update = SnapshotMessages.diff(topology, current, next).toBuilder().setLineage(lineage).build();
    current = next;
    recent.addLast(update);
    while (recent.size() > HISTORY) {
      recent.removeFirst();
    }
    for (ServerCallStreamObserver<SnapshotUpdate> watcher : watchers) {
      watcher.onNext(update);
    }
  }

  private synchronized void forget(ServerCallStreamObserver<SnapshotUpdate> watcher, String sidecarId) {
    if (watchers.remove(watcher)) {
      board.sidecarDisconnected(sidecarId);
      log.info("authz sidecar {} stopped watching", sidecarId);
    }
  }
}
