package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.function.Function;

/**
 * A call's messages, each checked to name the region of the caller's certificate: the first one
 * that names another ends the call {@code PERMISSION_DENIED} before the service sees it.
 */
final class RegionBound<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

  private final ServerCall<?, ?> call;
  private final Identity caller;
  private final Function<Q, String> region;
  private final Function<Q, String> describe;
  private boolean closed;

  /**
   * @param region the region a message names (null when it names none)
   * @param what who asks, for the refusal: {@code node 'x'}, {@code sidecar}
   */
  RegionBound(ServerCall.Listener<Q> delegate, ServerCall<?, ?> call, Identity caller, Function<Q, String> region,
      Function<Q, String> what) {
    super(delegate);
    this.call = call;
    this.caller = caller;
    this.region = region;
    this.describe = what;
  }

  @Override
  public void onMessage(Q message) {
    if (closed) {
      return;
    }
    String named = region.apply(message);
    if (!caller.region().equals(named)) {
      closed = true;
      call.close(Status.PERMISSION_DENIED.withDescription(
          describe.apply(message) + " asks as region '" + named + "' but its certificate is " + caller), new Metadata());
      return;
    }
    super.onMessage(message);
  }

  @Override
  public void onHalfClose() {
    if (!closed) {
      super.onHalfClose();
    }
  }
}
