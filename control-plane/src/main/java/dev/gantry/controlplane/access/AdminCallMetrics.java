package dev.gantry.controlplane.access;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code gantry.controlplane.admin.calls}: admin API calls by {@code method} (the gRPC method's
 * full name, one of the services' fixed set) and {@code status} (the gRPC status code, e.g. OK,
 * PERMISSION_DENIED), counted when the call closes. Placed outside {@link AdminAccess}, so refused
 * calls are counted too.
 */
public final class AdminCallMetrics implements ServerInterceptor {

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");

  private final LongCounter calls;
  private final ConcurrentHashMap<String, Attributes> attributes = new ConcurrentHashMap<>();

  public AdminCallMetrics(Meter meter) {
    calls = meter.counterBuilder("gantry.controlplane.admin.calls")
        .setDescription("Admin API calls, by method and gRPC status").setUnit("{call}").build();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        String code = status.getCode().name();
        calls.add(1, attributes.computeIfAbsent(method + " " + code, k -> Attributes.of(METHOD, method, STATUS, code)));
        super.close(status, trailers);
      }
    }, headers);
  }
}
