package dev.gantry.authz.snapshot;

import dev.gantry.proto.snapshot.v1.SidecarReport;
import dev.gantry.proto.snapshot.v1.SidecarReportAck;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sidecar's snapshot in step with the control plane: one long-lived Watch stream,
 * reopened with bounded exponential backoff whenever it ends. While the control plane is away
 * the sidecar keeps answering from the snapshot it holds.
 *
 * <p>An update that cannot be applied is logged and dropped; the stream is then reopened
 * naming the version held, so the control plane resends what is missing.
 */
public final class SnapshotClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SnapshotClient.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final AuthzSnapshotServiceGrpc.AuthzSnapshotServiceStub stub;
  private final SnapshotStore store;
  private final ScheduledExecutorService scheduler;
  private final String sidecarId;
  private final String region;

  // Touched only on the scheduler's thread and the stream's callback thread, one after the
  // other (a new stream is opened only after the previous one ended): volatile for visibility.
  private volatile Context.CancellableContext streamContext;
  /** The lineage of the snapshot held (from the updates received); empty before the first. */
  private volatile String lineage = "";
  private volatile Duration backoff = MIN_BACKOFF;
  private volatile boolean closed;

  /**
   * @param channel a channel to the control plane
   * @param store where applied snapshots go
   * @param scheduler runs reconnects; owned by the caller
   */
  public SnapshotClient(
      Channel channel, SnapshotStore store, ScheduledExecutorService scheduler, String sidecarId, String region) {
    this.stub = AuthzSnapshotServiceGrpc.newStub(channel);
    this.store = store;
    this.scheduler = scheduler;
    this.sidecarId = sidecarId;
    this.region = region;
  }

  /** Opens the stream; returns at once. */
  public void start() {
    scheduler.execute(this::open);
  }

  private void open() {
    if (closed) {
      return;
    }
    AuthzSnapshot held = store.current();
    WatchRequest request =
        WatchRequest.newBuilder()
            .setSidecarId(sidecarId)
            .setRegion(region)
            .setKnownVersion(held == null ? 0 : held.version())
            .setLineage(lineage)
            .build();
    Context.CancellableContext context = Context.current().withCancellation();
    streamContext = context;
    context.run(() -> stub.watch(request, new Watcher(context)));
  }

  private void reopenLater() {
    if (closed) {
      return;
    }
    Duration delay = backoff;
    backoff = delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay.multipliedBy(2);
    scheduler.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Tells the control plane what it serves (for its status view); fire and forget. */
  private void report(long serving, long rejected, String rejection) {
    stub.withDeadlineAfter(5, TimeUnit.SECONDS).report(
        SidecarReport.newBuilder().setSidecarId(sidecarId).setRegion(region)
            .setServingVersion(serving).setRejectedVersion(rejected).setRejection(rejection).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(SidecarReportAck ack) {}

          @Override
          public void onError(Throwable t) {
            log.debug("report to the control plane failed: {}", t.getMessage());
          }

          @Override
          public void onCompleted() {}
        });
  }

  @Override
  public void close() {
    closed = true;
    Context.CancellableContext context = streamContext;
    if (context != null) {
      context.cancel(null);
    }
  }

  private final class Watcher implements StreamObserver<SnapshotUpdate> {
    private final Context.CancellableContext context;

    Watcher(Context.CancellableContext context) {
      this.context = context;
    }

    @Override
    public void onNext(SnapshotUpdate update) {
      try {
        AuthzSnapshot next = SnapshotUpdates.apply(store.current(), update);
        store.swap(next);
        lineage = update.getLineage();
        backoff = MIN_BACKOFF;
        report(next.version(), 0, "");
      } catch (SnapshotUpdates.RejectedUpdateException e) {
        log.warn("snapshot update {} refused, keeping version {}: {}",
            update.getVersion(), store.current() == null ? "none" : store.current().version(), e.getMessage());
        report(store.current() == null ? 0 : store.current().version(), update.getVersion(), e.getMessage());
        // Resynchronise: ending this stream makes onError reopen it from the version held.
        context.cancel(null);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!closed) {
        log.info("snapshot stream ended ({}); reconnecting", t.getMessage());
      }
      reopenLater();
    }

    @Override
    public void onCompleted() {
      reopenLater();
    }
  }
}
