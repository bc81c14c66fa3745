package dev.gantry.authz.grpc;

import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.gantry.authz.engine.Decision;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.Map;

/**
 * Maps a {@link Decision} to Envoy's {@link CheckResponse}. A deny is a successful RPC whose
 * status is not OK (Envoy then sends the client our status, headers and JSON body); a failure
 * of the service itself is a gRPC error instead, which Envoy turns into {@code status_on_error}
 * (503) — that rule lives in {@link ExtAuthzService}.
 */
final class CheckResponses {

  private static final Status OK = Status.newBuilder().setCode(Code.OK_VALUE).build();

  private CheckResponses() {}

  static CheckResponse toResponse(Decision decision) {
    return switch (decision) {
      case Decision.Allow allow -> allow(allow);
      case Decision.Deny deny -> deny(deny);
      case Decision.Answer answer -> answer(answer);
    };
  }

  /**
   * The gateway's own answer: sent as Envoy sends a deny (a local reply with our status, headers
   * and body; the RPC's status is not OK, or Envoy would pass the request on), but its body is
   * the document, not a refusal.
   */
  private static CheckResponse answer(Decision.Answer answer) {
    DeniedHttpResponse.Builder reply =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(statusCode(answer.httpStatus())))
            .addHeaders(overwrite("content-type", answer.contentType()))
            .setBody(answer.body());
    for (Map.Entry<String, String> header : answer.responseHeaders().entrySet()) {
      reply.addHeaders(overwrite(header.getKey(), header.getValue()));
    }
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(Code.PERMISSION_DENIED_VALUE).setMessage(answer.reason()))
        .setDeniedResponse(reply)
        .build();
  }

  private static CheckResponse allow(Decision.Allow allow) {
    OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
    // OVERWRITE_IF_EXISTS_OR_ADD: a header sent with the append action is not added when the
    // request lacks it (ext_authz integration tests), and a client value must never survive.
    allow.headersToSet().forEach((name, value) -> ok.addHeaders(overwrite(name, value)));
    ok.addAllHeadersToRemove(allow.headersToRemove());
    return CheckResponse.newBuilder().setStatus(OK).setOkResponse(ok).build();
  }

  private static CheckResponse deny(Decision.Deny deny) {
    DeniedHttpResponse.Builder denied =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(statusCode(deny.httpStatus())))
            .addHeaders(overwrite("content-type", "application/json"))
            .setBody(DenyBody.json(deny));
    for (Map.Entry<String, String> header : deny.responseHeaders().entrySet()) {
      denied.addHeaders(overwrite(header.getKey(), header.getValue()));
    }
    int rpcCode =
        deny.httpStatus() == 401 ? Code.UNAUTHENTICATED_VALUE : Code.PERMISSION_DENIED_VALUE;
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(rpcCode).setMessage(deny.reason()))
        .setDeniedResponse(denied)
        .build();
  }

  private static HeaderValueOption overwrite(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  private static StatusCode statusCode(int httpStatus) {
    StatusCode code = StatusCode.forNumber(httpStatus);
    if (code == null) {
      throw new IllegalArgumentException("HTTP status " + httpStatus + " has no Envoy StatusCode");
    }
    return code;
  }
}
