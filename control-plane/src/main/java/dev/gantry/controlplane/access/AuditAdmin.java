package dev.gantry.controlplane.access;

import dev.gantry.proto.admin.v1.AuditServiceGrpc;
import dev.gantry.proto.admin.v1.ListAuditRequest;
import dev.gantry.proto.admin.v1.ListAuditResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The admin API's audit log: the newest records, for operators. */
public final class AuditAdmin extends AuditServiceGrpc.AuditServiceImplBase {

  private static final int MAX = 10_000;

  private final AuditLog audit;

  public AuditAdmin(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> responses) {
    int limit = request.getLimit() == 0 ? 100 : Math.min(request.getLimit(), MAX);
    try {
      responses.onNext(ListAuditResponse.newBuilder().addAllRecords(audit.newest(limit, request.getPrincipal())).build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Status.UNAVAILABLE.withDescription(e.getMessage() + " (try again)").asRuntimeException());
    }
  }
}
