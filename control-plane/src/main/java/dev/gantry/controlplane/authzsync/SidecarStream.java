package dev.gantry.controlplane.authzsync;

import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One sidecar's Watch stream and the version it has been sent. Nothing is queued here: an
 * update is written only while the stream is ready (gRPC's own outbound buffer is below its
 * threshold); a sidecar that reads slowly is sent nothing more until it has read, then catches
 * up from what is current. So a slow or stalled sidecar holds at most one message beyond
 * gRPC's threshold, never a backlog.
 *
 * <p>Not thread-safe: {@link AuthzSnapshotService} calls it under its own lock.
 */
final class SidecarStream {

  /** The version of a stream that has been sent nothing yet. */
  static final long NOTHING_SENT = -1;

  private final ServerCallStreamObserver<SnapshotUpdate> observer;
  private final String sidecarId;
  private long sentVersion;

  SidecarStream(ServerCallStreamObserver<SnapshotUpdate> observer, String sidecarId, long heldVersion) {
    this.observer = observer;
    this.sidecarId = sidecarId;
    this.sentVersion = heldVersion;
  }

  String sidecarId() {
    return sidecarId;
  }

  /** The version the sidecar holds once it has read everything sent. */
  long sentVersion() {
    return sentVersion;
  }

  /** True when gRPC takes another message without buffering past its threshold. */
  boolean ready() {
    return observer.isReady();
  }

  void send(SnapshotUpdate update) {
    observer.onNext(update);
    sentVersion = update.getVersion();
  }
}
