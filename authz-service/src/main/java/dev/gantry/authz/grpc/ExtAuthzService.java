package dev.gantry.authz.grpc;

import dev.gantry.routing.GatewayListeners;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check}, answered from the local snapshot:
 * no I/O, no lock, no blocking. The one place that decides between a deny (an OK RPC with a
 * non-OK {@link CheckResponse} status) and an error (a failed RPC: Envoy fails closed with
 * {@code status_on_error}).
 */
public final class ExtAuthzService extends AuthorizationGrpc.AuthorizationImplBase {

  private static final Logger log = LoggerFactory.getLogger(ExtAuthzService.class);

  private final SnapshotStore store;
  private final DecisionEngine engine;
  private final FailureLog failures = new FailureLog(log::error, java.time.Clock.systemUTC(), 60_000);

  public ExtAuthzService(SnapshotStore store, DecisionEngine engine) {
    this.store = store;
    this.engine = engine;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    AuthzSnapshot snapshot = store.current();
    if (snapshot == null) {
      // Not serving before the first complete snapshot: an error, so Envoy answers 503.
      responses.onError(
          Status.UNAVAILABLE.withDescription("no authorization snapshot yet").asRuntimeException());
      return;
    }
    CheckResponse response;
    try {
      response = CheckResponses.toResponse(engine.decide(snapshot, facts(request)));
    } catch (RuntimeException e) {
      // Gantry's own failure, never a client's input (every bad input is a stable refusal; the
      // Check fuzz test holds the engine to it): Envoy fails closed with 503.
      failures.failed("check failed", e);
      responses.onError(Status.INTERNAL.withDescription("authorization failed").asRuntimeException());
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  private static RequestFacts facts(CheckRequest request) {
    AttributeContext.HttpRequest http = request.getAttributes().getRequest().getHttp();
    RequestFacts.Listener listener =
        GatewayListeners.INTERNAL.equals(
            request.getAttributes().getContextExtensionsMap().get(GatewayListeners.CONTEXT_KEY))
            ? RequestFacts.Listener.INTERNAL
            : RequestFacts.Listener.PUBLIC;
    byte[] body = !http.getRawBody().isEmpty() ? http.getRawBody().toByteArray()
        : http.getBody().isEmpty() ? new byte[0] : http.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new RequestFacts(http.getHost(), http.getMethod(), http.getPath(), http.getHeadersMap(), listener, body);
  }
}
