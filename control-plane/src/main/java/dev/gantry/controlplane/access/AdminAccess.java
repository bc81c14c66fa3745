package dev.gantry.controlplane.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.pki.Identity;
import dev.gantry.pki.PeerIdentity;
import dev.gantry.proto.fleet.v1.AuditRecord;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin API: every call needs an admin identity ({@link AdminRules}: operator,
 * workspace admin, registrar), a request over the size bounds ({@link AdminLimits}) ends
 * {@code INVALID_ARGUMENT}, a call its rules refuse ends {@code PERMISSION_DENIED} — both before
 * the service sees it (nothing written) — and every call that tries to change the fleet — allowed or
 * refused — is appended to the {@link AuditLog} with its outcome.
 */
public final class AdminAccess implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(AdminAccess.class);
  private static final int REQUEST_CHARS = 2000;

  private final AdminRules rules;
  private final Supplier<FleetState> state;
  private final AuditLog audit;
  private final Clock clock;

  public AdminAccess(AdminRules rules, Supplier<FleetState> state, AuditLog audit, Clock clock) {
    this.rules = rules;
    this.state = state;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Identity caller = PeerIdentity.current();
    String method = call.getMethodDescriptor().getFullMethodName();
    boolean write = AdminRules.isWrite(method);
    Audited<Q, R> audited = new Audited<>(call, caller, method, write);
    ServerCall.Listener<Q> delegate = next.startCall(audited, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(Q message) {
        audited.request = (Message) message;
        String tooLarge = caller == null ? null : AdminLimits.violation((Message) message);
        if (tooLarge != null) {
          audited.refused = true;
          audited.close(Status.INVALID_ARGUMENT.withDescription("request-too-large: " + tooLarge), new Metadata());
          return;
        }
        AdminRules.Verdict verdict = rules.check(caller, method, (Message) message, state.get());
        if (verdict instanceof AdminRules.Verdict.Deny deny) {
          audited.refused = true;
          audited.close(caller == null ? Status.UNAUTHENTICATED.withDescription("the admin API needs a client certificate")
              : Status.PERMISSION_DENIED.withDescription(deny.why()), new Metadata());
          return;
        }
        AdminRules.Verdict.Allow allow = (AdminRules.Verdict.Allow) verdict;
        audited.answers = allow.answers();
        super.onMessage((Q) allow.request());
      }

      @Override
      public void onHalfClose() {
        if (!audited.refused) {
          super.onHalfClose();
        }
      }
    };
  }

  /** The call, answering through the rule's filter and audited when it closes. */
  private final class Audited<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Identity caller;
    private final String method;
    private final boolean write;
    volatile Message request;
    volatile boolean refused;
    volatile UnaryOperator<Message> answers = UnaryOperator.identity();

    Audited(ServerCall<Q, R> call, Identity caller, String method, boolean write) {
      super(call);
      this.caller = caller;
      this.method = method;
      this.write = write;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void sendMessage(R message) {
      super.sendMessage((R) answers.apply((Message) message));
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (write) {
        try {
          audit.append(AuditRecord.newBuilder()
              .setAtEpochMillis(clock.millis())
              .setPrincipal(caller == null ? "(none)" : caller.toString())
              .setMethod(method)
              .setRequest(json(request))
              .setOutcome(status.getCode().name())
              .setDetail(status.getDescription() == null ? "" : status.getDescription())
              .build());
        } catch (RuntimeException e) {
          log.error("could not append to the audit log: {} {} by {} ended {}", method, json(request), caller, status.getCode(), e);
        }
      }
      super.close(status, trailers);
    }
  }

  /** Fields whose value never goes into the audit log or a log line: private keys. */
  static final String SECRET_FIELD_SUFFIX = "private_key_pem";

  /** {@code message} with every secret field, at any depth, replaced by "[redacted]". */
  static Message redacted(Message message) {
    Message.Builder copy = null;
    for (java.util.Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      com.google.protobuf.Descriptors.FieldDescriptor descriptor = field.getKey();
      if (descriptor.getName().endsWith(SECRET_FIELD_SUFFIX) && !descriptor.isRepeated()
          && descriptor.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.STRING) {
        copy = copy == null ? message.toBuilder() : copy;
        copy.setField(descriptor, "[redacted]");
      } else if (descriptor.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE
          && !descriptor.isRepeated()) {
        Message inner = (Message) field.getValue();
        Message cleaned = redacted(inner);
        if (cleaned != inner) {
          copy = copy == null ? message.toBuilder() : copy;
          copy.setField(descriptor, cleaned);
        }
      }
    }
    return copy == null ? message : copy.build();
  }

  private static String json(Message request) {
    if (request == null) {
      return "";
    }
    try {
      String text = JsonFormat.printer().omittingInsignificantWhitespace().print(redacted(request));
      return text.length() <= REQUEST_CHARS ? text : text.substring(0, REQUEST_CHARS) + "…";
    } catch (InvalidProtocolBufferException e) {
      return request.getDescriptorForType().getFullName();
    }
  }
}
