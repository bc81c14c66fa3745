package dev.gantry.authz.grpc;

import dev.gantry.routing.GatewayListeners;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.KeyLookup;
import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.engine.DecisionEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check}, answered from the local snapshot:
 * no I/O, no lock, no blocking (a token naming a key id not yet known waits, without a thread,
 * at most {@link #KEY_REFRESH_WAIT_MS} for the key-set refresh its lookup started). The one place that decides between a deny (an OK RPC with a
 * non-OK {@link CheckResponse} status) and an error (a failed RPC: Envoy fails closed with
 * {@code status_on_error}).
 */
public final class ExtAuthzService extends AuthorizationGrpc.AuthorizationImplBase {

  private static final Logger log = LoggerFactory.getLogger(ExtAuthzService.class);

  /**
   * How long a Check refused for an unknown key id waits for the key-set refresh it started
   * before it answers: well under Envoy's ext_authz timeout (5 s), above a JWKS fetch's usual time.
   */
  static final long KEY_REFRESH_WAIT_MS = 500;

  private final SnapshotStore store;
  private final DecisionEngine engine;
  private final KeyLookup keys;
  private final CheckMetrics metrics;
  private final DecisionLog decisions;
  private final CheckSpans spans;
  private final FailureLog failures = new FailureLog(log::error, java.time.Clock.systemUTC(), 60_000);

  /** A service whose Checks never wait for a key refresh. */
  public ExtAuthzService(SnapshotStore store, DecisionEngine engine) {
    this(store, engine, (uri, kid) -> null);
  }

  /**
   * @param keys the key sets the engine's JWT checks use: a Check refused for an unknown key id
   *     (an issuer that has just rotated its key) waits, briefly and without holding a thread,
   *     for the refresh that lookup started, and decides again
   */
  public ExtAuthzService(SnapshotStore store, DecisionEngine engine, KeyLookup keys) {
    this(store, engine, keys, MeterProvider.noop().get("noop"), DecisionLog.NONE);
  }

  /**
   * As above, recording decisions, their duration and errors on {@code meter} ({@link
   * CheckMetrics}), and refusals and sampled admissions in {@code decisions}.
   */
  public ExtAuthzService(SnapshotStore store, DecisionEngine engine, KeyLookup keys, Meter meter, DecisionLog decisions) {
    this(store, engine, keys, meter, decisions, null, "");
  }

  /**
   * As above, making a span per Check on {@code tracer} ({@link CheckSpans}; none when null), a
   * child of Envoy's span when the call carries its context ({@link CheckTraceContext}).
   */
  public ExtAuthzService(SnapshotStore store, DecisionEngine engine, KeyLookup keys, Meter meter, DecisionLog decisions,
      Tracer tracer, String region) {
    this.store = store;
    this.engine = engine;
    this.keys = keys;
    this.metrics = new CheckMetrics(meter);
    this.decisions = decisions;
    this.spans = tracer == null ? CheckSpans.NONE : new CheckSpans(tracer, region);
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    long start = metrics.received();
    Context trace = CheckTraceContext.PARENT.get();
    AuthzSnapshot snapshot = store.current();
    if (snapshot == null) {
      metrics.failed(start, "no-snapshot");
      spans.failed(trace, start, null, "no-snapshot");
      // Not serving before the first complete snapshot: an error, so Envoy answers 503.
      responses.onError(
          Status.UNAVAILABLE.withDescription("no authorization snapshot yet").asRuntimeException());
      return;
    }
    RequestFacts facts = facts(request);
    Decision decision;
    try {
      decision = engine.decide(snapshot, facts);
    } catch (RuntimeException e) {
      fail(responses, e, start, facts, trace);
      return;
    }
    if (decision instanceof Decision.Deny deny && JwtAuthenticator.UNKNOWN_KID.equals(deny.reason())) {
      CompletableFuture<Void> refresh = keys.refreshing();
      if (!refresh.isDone()) {
        // The lookup started a refresh (rate-limited per key set): decide again when it ends,
        // at most KEY_REFRESH_WAIT_MS later. No thread waits; the answer is sent from there.
        refresh.completeOnTimeout(null, KEY_REFRESH_WAIT_MS, TimeUnit.MILLISECONDS)
            .whenComplete((done, error) -> {
              Decision again;
              try {
                again = engine.decide(snapshot, facts);
              } catch (RuntimeException e) {
                fail(responses, e, start, facts, trace);
                return;
              }
              answer(responses, again, facts, start, trace);
            });
        return;
      }
    }
    answer(responses, decision, facts, start, trace);
  }

  /**
   * Sends the answer, counted and logged first (a client that has its answer finds it counted);
   * a decision that cannot be turned into a response is Gantry's failure, answered as one.
   */
  private void answer(StreamObserver<CheckResponse> responses, Decision decision, RequestFacts facts, long start,
      Context trace) {
    CheckResponse response;
    try {
      response = CheckResponses.toResponse(decision);
    } catch (RuntimeException e) {
      fail(responses, e, start, facts, trace);
      return;
    }
    metrics.decided(start, decision, facts.authority());
    spans.decided(trace, start, decision, facts);
    decisions.record(decision, facts, CheckSpans.traceId(trace));
    responses.onNext(response);
    responses.onCompleted();
  }

  /**
   * Gantry's own failure, never a client's input (every bad input is a stable refusal; the
   * Check fuzz test holds the engine to it): Envoy fails closed with 503.
   */
  private void fail(StreamObserver<CheckResponse> responses, RuntimeException e, long start, RequestFacts facts,
      Context trace) {
    metrics.failed(start, "internal");
    spans.failed(trace, start, facts, "internal");
    failures.failed("check failed", e);
    responses.onError(Status.INTERNAL.withDescription("authorization failed").asRuntimeException());
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
    return new RequestFacts(http.getHost(), http.getMethod(), http.getPath(), http.getHeadersMap(), listener, body,
        http.getScheme());
  }
}
