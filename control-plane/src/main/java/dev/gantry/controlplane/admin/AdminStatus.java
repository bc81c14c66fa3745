package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.store.StoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs an admin call and answers it: its result, or a refusal as a gRPC status with its message. */
final class AdminStatus {

  private AdminStatus() {}

  static <T> void answer(StreamObserver<T> responses, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (Refusal e) {
      responses.onError(of(e).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (StatusRuntimeException e) {
      responses.onError(e);
      return;
    } catch (StoreException e) {
      responses.onError(Status.UNAVAILABLE.withDescription(e.getMessage() + " (try again)").asRuntimeException());
      return;
    }
    responses.onNext(result);
    responses.onCompleted();
  }

  static Status of(Refusal refusal) {
    return switch (refusal.kind()) {
      case INVALID -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FORBIDDEN -> Status.FAILED_PRECONDITION;
    };
  }

  /** A malformed argument: what was wrong and what was expected. */
  static Refusal invalid(String message) {
    return new Refusal(Refusal.Kind.INVALID, message);
  }
}
