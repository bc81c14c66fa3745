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
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.gantry.controlplane.status.FleetStatusBoard;
import dev.gantry.proto.snapshot.v1.SidecarReport;
import dev.gantry.proto.snapshot.v1.SidecarReportAck;

/**
 * Streams the authorization snapshot to the authz sidecars: a complete update when a sidecar
 * connects, then the difference for every new fleet state, in version order.
 *
 * <p>A sidecar that reconnects names the version and lineage it holds. Within the same lineage
 * (the same store, so versions mean the same state on every control-plane replica and across
 * restarts, and the same catalog) it gets only the updates it missed, from the last {@value
 * #HISTORY} kept here, or nothing when it is current; otherwise a complete update.
 *
 * <p>Nothing queues for a sidecar: a stream is written only while gRPC says it is ready, and one
 * that is not catches up when it becomes ready (gRPC's on-ready callback) with the differences
 * since the version it was sent, or with a complete update when those are no longer kept. A
 * slow or stalled sidecar therefore costs at most one message beyond gRPC's outbound threshold,
 * however many updates pass meanwhile ({@link SidecarStream}).
 *
 * <p>Sidecars report the version they serve ({@code Report}); the status board shows it.
 */
@ThreadSafe
public final class AuthzSnapshotService extends AuthzSnapshotServiceGrpc.AuthzSnapshotServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(AuthzSnapshotService.class);

  /** Differences kept for sidecars that resume or fall behind. */
  static final int HISTORY = 256;

  private final Topology topology;
  private final String lineage;
  private final FleetStatusBoard board;

  @GuardedBy("this")
  private FleetState current = FleetState.empty();

  /** The complete update for {@link #current}, built when first needed. */
  @GuardedBy("this")
  private SnapshotUpdate currentComplete;

  /** The last differences made, by the version each applies to; each applies on top of the one before. */
  @GuardedBy("this")
  private final NavigableMap<Long, SnapshotUpdate> recent = new TreeMap<>();

  // StreamObservers are not thread-safe: every send happens under `this`.
  @GuardedBy("this")
  private final Set<SidecarStream> streams = new LinkedHashSet<>();

  private final dev.gantry.controlplane.usage.UsageReports usage;

  /** A service that keeps no usage: usage reports are refused. */
  public AuthzSnapshotService(Topology topology, String storeIdentity, FleetStatusBoard board) {
    this(topology, storeIdentity, board, null);
  }

  /**
   * @param storeIdentity the store's identity ({@code FleetStore.identity()}); with the catalog,
   *     it makes the lineage
   * @param usage takes the sidecars' usage reports; null refuses them (UNIMPLEMENTED)
   */
  public AuthzSnapshotService(
      Topology topology, String storeIdentity, FleetStatusBoard board, dev.gantry.controlplane.usage.UsageReports usage) {
    this.usage = usage;
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
    ServerCallStreamObserver<SnapshotUpdate> observer = (ServerCallStreamObserver<SnapshotUpdate>) responses;
    board.sidecarConnected(request.getSidecarId(), request.getRegion());
    synchronized (this) {
      boolean resumes = resumable(request);
      SidecarStream stream = new SidecarStream(observer, request.getSidecarId(),
          resumes ? request.getKnownVersion() : SidecarStream.NOTHING_SENT);
      observer.setOnCancelHandler(() -> forget(stream));
      observer.setOnReadyHandler(() -> catchUp(stream));
      streams.add(stream);
      if (resumes) {
        log.info("authz sidecar {} (region {}) resumes from version {} to version {}",
            request.getSidecarId(), request.getRegion(), request.getKnownVersion(), current.version());
      } else {
        log.info("authz sidecar {} (region {}) watching: complete update at version {} (it held {})",
            request.getSidecarId(), request.getRegion(), current.version(), request.getKnownVersion());
      }
      catchUp(stream);
    }
  }

  /** True when the version a sidecar names can be brought up to date with the differences kept. */
  @GuardedBy("this")
  private boolean resumable(WatchRequest request) {
    long known = request.getKnownVersion();
    return known != 0 && lineage.equals(request.getLineage())
        && (known == current.version() || recent.containsKey(known));
  }

  /** Sends a stream what it misses, for as long as it is ready. */
  private synchronized void catchUp(SidecarStream stream) {
    if (!streams.contains(stream)) {
      return;
    }
    while (stream.sentVersion() != current.version() && stream.ready()) {
      SnapshotUpdate next = recent.get(stream.sentVersion());
      if (next == null) {
        if (stream.sentVersion() != SidecarStream.NOTHING_SENT) {
          log.info("authz sidecar {} fell behind the {} differences kept (it was sent version {}): complete update at version {}",
              stream.sidecarId(), HISTORY, stream.sentVersion(), current.version());
        }
        next = complete();
      }
      stream.send(next);
    }
  }

  @GuardedBy("this")
  private SnapshotUpdate complete() {
    if (currentComplete == null || currentComplete.getVersion() != current.version()) {
      currentComplete = SnapshotMessages.full(topology, current).toBuilder().setLineage(lineage).build();
    }
    return currentComplete;
  }

  @Override
  public void reportUsage(dev.gantry.proto.snapshot.v1.UsageReport report,
      StreamObserver<dev.gantry.proto.snapshot.v1.UsageReportAck> responses) {
    if (usage == null) {
      responses.onError(io.grpc.Status.UNIMPLEMENTED.withDescription("this control plane keeps no usage").asRuntimeException());
      return;
    }
    dev.gantry.proto.snapshot.v1.UsageReportAck ack;
    try {
      ack = usage.report(report);
    } catch (IllegalArgumentException e) {
      responses.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      log.warn("usage report of {} not stored: {}", report.getSidecarId(), e.toString());
      responses.onError(io.grpc.Status.UNAVAILABLE.withDescription("usage not stored; send it again").asRuntimeException());
      return;
    }
    responses.onNext(ack);
    responses.onCompleted();
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
   * Takes the next fleet state and sends its difference to every watcher that is ready. Called
   * in version order by the store; it never waits for a sidecar, and nothing queues for one
   * that is not ready: it catches up when it is.
   */
  public synchronized void accept(FleetState next) {
    if (next.version() <= current.version()) {
      return; // the empty state every store starts from, or a state already sent
    }
    SnapshotUpdate update = SnapshotMessages.diff(topology, current, next).toBuilder().setLineage(lineage).build();
    recent.put(current.version(), update);
    while (recent.size() > HISTORY) {
      recent.pollFirstEntry();
    }
    current = next;
    for (SidecarStream stream : streams) {
      catchUp(stream);
    }
  }

  private synchronized void forget(SidecarStream stream) {
    if (streams.remove(stream)) {
      board.sidecarDisconnected(stream.sidecarId());
      log.info("authz sidecar {} stopped watching", stream.sidecarId());
    }
  }
}
