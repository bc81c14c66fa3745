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
 * <p>gRPC's threshold is set to {@value #READY_BELOW_BYTES} bytes; its default, 32 KiB, lets
 * hundreds of small differences wait on every stream. Measured with {@code gantry-bench
 * slow-subscribers}: 10,000 stalled sidecars while 1,000 changes pass cost the control plane
 * some 70 MiB of heap, against 1.9 GiB without the bound.
 *
 * <p>Not thread-safe: {@link AuthzSnapshotService} calls it under its own lock.
 */
final class SidecarStream {

  /** The version of a stream that has been sent nothing yet. */
  static final long NOTHING_SENT = -1;

  /** gRPC's on-ready threshold: a stream with this many bytes not yet on the wire is not ready. */
  static final int READY_BELOW_BYTES = 4096;

  private final ServerCallStreamObserver<SnapshotUpdate> observer;
  private final String sidecarId;
  private long sentVersion;

  /** Must be made while the service method that received {@code observer} runs (gRPC's rule). */
  SidecarStream(ServerCallStreamObserver<SnapshotUpdate> observer, String sidecarId, long heldVersion) {
    this.observer = observer;
    observer.setOnReadyThreshold(READY_BELOW_BYTES);
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
