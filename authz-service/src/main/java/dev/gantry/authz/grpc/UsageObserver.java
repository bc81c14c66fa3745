package dev.gantry.authz.grpc;

import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.snapshot.SnapshotStore;
import dev.gantry.authz.usage.Usage;
import dev.gantry.authz.usage.UsageLedger;
import dev.gantry.authz.usage.UsageReader;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.Metering;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;

/**
 * Envoy's external processing, in observability mode, for metered requests: Envoy sends copies
 * of the request's headers and of the response's headers and body chunks as they pass, and never
 * waits for an answer (none is sent), so the response streams to the client as if this were not
 * here. Each exchange is one gRPC stream: the request headers say whom to count it to ({@link
 * GatewayHeaders#METER}, set by the Check), the response headers what the body is, the body
 * chunks are read by a {@link UsageReader}; at the body's end (or the stream's, when the
 * response was cut) the usage goes to the {@link UsageLedger}.
 *
 * <p>A stream without a valid meter header, or for a workload the snapshot no longer meters, is
 * read for nothing and counted nowhere; what cannot be parsed is a response without usage.
 * Envoy observes with {@code failure_mode_allow}: when this service is down, responses flow
 * unobserved (the gap shows in Envoy's {@code ext_proc} stream-failure counters).
 */
public final class UsageObserver extends ExternalProcessorGrpc.ExternalProcessorImplBase {

  private final SnapshotStore snapshots;
  private final UsageLedger ledger;
  private final UsageMetrics metrics;
  private final String region;
  private final java.time.Clock clock;

  private final int maxObservations;
  private final java.util.concurrent.atomic.AtomicInteger observing = new java.util.concurrent.atomic.AtomicInteger();
  private final dev.gantry.authz.usage.BufferBudget budget;

  /**
   * @param maxObservations exchanges observed at once; one more is refused (RESOURCE_EXHAUSTED:
   *     Envoy lets the response flow unobserved)
   * @param budget what all readers together may buffer
   */
  public UsageObserver(
      SnapshotStore snapshots, UsageLedger ledger, UsageMetrics metrics, String region, java.time.Clock clock,
      int maxObservations, dev.gantry.authz.usage.BufferBudget budget) {
    this.maxObservations = maxObservations;
    this.budget = budget;
    this.clock = clock;
    this.snapshots = snapshots;
    this.ledger = ledger;
    this.metrics = metrics;
    this.region = region;
  }

  @Override
  public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
    if (observing.incrementAndGet() > maxObservations) {
      observing.decrementAndGet();
      metrics.unobserved();
      responses.onError(io.grpc.Status.RESOURCE_EXHAUSTED
          .withDescription("observing " + maxObservations + " responses already").asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(ProcessingRequest request) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    return new Exchange(responses);
  }

  /** One request and its response. Its calls come one at a time (gRPC serializes a stream's messages). */
  private final class Exchange implements StreamObserver<ProcessingRequest> {

    private final StreamObserver<ProcessingResponse> responses;
    private UsageLedger.Key key;
    private Metering metering;
    private UsageReader reader;
    private boolean recorded;
    private boolean released;
    private boolean answered;

    Exchange(StreamObserver<ProcessingResponse> responses) {
      this.responses = responses;
    }

    @Override
    public void onNext(ProcessingRequest request) {
      switch (request.getRequestCase()) {
        case REQUEST_HEADERS -> attribute(request.getRequestHeaders().getHeaders());
        case RESPONSE_HEADERS -> {
          if (key != null) {
            HeaderMap headers = request.getResponseHeaders().getHeaders();
            reader = UsageReader.of(header(headers, "content-type"), header(headers, "content-encoding"),
                metering.usagePath(), budget);
            if (request.getResponseHeaders().getEndOfStream()) {
              record(true);
            }
          }
        }
        case RESPONSE_BODY -> {
          if (reader != null && !recorded) {
            HttpBody body = request.getResponseBody();
            reader.accept(body.getBody().toByteArray());
            if (body.getEndOfStream()) {
              record(true);
            }
          }
        }
        case RESPONSE_TRAILERS -> {
          if (reader != null) {
            record(true);
          }
        }
        default -> { }
      }
    }

    /** Whom to count to: the meter header's workload, if the snapshot meters it, and credential. */
    private void attribute(HeaderMap headers) {
      String meter = header(headers, GatewayHeaders.METER);
      int separator = meter == null ? -1 : meter.indexOf(';');
      if (separator <= 0) {
        return;
      }
      WorkloadId id;
      try {
        id = WorkloadId.parse(meter.substring(0, separator));
      } catch (IllegalArgumentException e) {
        return;
      }
      AuthzSnapshot snapshot = snapshots.current();
      WorkloadEntry workload = snapshot == null ? null : snapshot.workloads().get(id);
      if (workload == null || workload.metering() == null) {
        return;
      }
      metering = workload.metering();
      key = new UsageLedger.Key(id.workspace(), id.toString(), meter.substring(separator + 1), region);
    }

    private void record(boolean complete) {
      if (recorded || key == null) {
        return;
      }
      recorded = true;
      Usage usage = reader == null ? null : reader.finish();
      long bytes = reader == null ? 0 : reader.bytes();
      ledger.record(key, usage, bytes, complete, clock.instant());
      metrics.observed(key.workload(), usage, bytes, complete, reader != null && reader.unread());
      if (complete) {
        // Nothing more to see: end the exchange now rather than when Envoy closes its side (in
        // observability mode that waits its deferred close timeout), and give its place back.
        release();
        answer();
      }
    }

    /** Ends this side of the stream, once. */
    private void answer() {
      if (!answered) {
        answered = true;
        responses.onCompleted();
      }
    }

    /** Gives the exchange's place and buffers back, once. */
    private void release() {
      if (released) {
        return;
      }
      released = true;
      if (reader != null) {
        reader.finish();
      }
      observing.decrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
      record(false);
      release();
    }

    @Override
    public void onCompleted() {
      record(false);
      release();
      answer();
    }
  }

  /** A header's value: Envoy sends it as raw bytes ({@code raw_value}) or as text. */
  private static String header(HeaderMap headers, String name) {
    for (HeaderValue header : headers.getHeadersList()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getRawValue().isEmpty() ? header.getValue() : header.getRawValue().toString(StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
