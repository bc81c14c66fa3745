package dev.gantry.controlplane.access;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PeerIdentity;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.Function;

/**
 * A service for one role, each caller bound to the region of its certificate: a caller of
 * another role is refused {@code PERMISSION_DENIED}, and the first message that names another
 * region ends the call {@code PERMISSION_DENIED} before the service sees it.
 */
final class RegionBound implements ServerInterceptor {

  private final Identity.Role role;
  private final String refusal;
  private final Function<Object, String> region;
  private final Function<Object, String> describe;

  /**
   * @param refusal what the service is for and the certificate it expects, for the refusal
   * @param region the region a message names (null when it names none)
   * @param describe who asks, for the refusal: {@code node 'x'}, {@code sidecar}
   */
  RegionBound(Identity.Role role, String refusal, Function<Object, String> region, Function<Object, String> describe) {
    this.role = role;
    this.refusal = refusal;
    this.region = region;
    this.describe = describe;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Identity identity = PeerIdentity.current();
    if (identity == null || identity.role() != role) {
      return Refuse.call(call, Status.PERMISSION_DENIED.withDescription(
          refusal + "; this is " + (identity == null ? "no identity" : identity) + ")"));
    }
    return new Bound<>(next.startCall(call, headers), call, identity);
  }

  private final class Bound<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

    private final ServerCall<?, ?> call;
    private final Identity caller;
    private boolean closed;

    Bound(ServerCall.Listener<Q> delegate, ServerCall<?, ?> call, Identity caller) {
      super(delegate);
      this.call = call;
      this.caller = caller;
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
}
