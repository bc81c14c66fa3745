package dev.gantry.controlplane.access;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/** Ends a call refused by an access rule, with its status and a message saying why. */
final class Refuse {

  private Refuse() {}

  static <Q, R> ServerCall.Listener<Q> call(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
