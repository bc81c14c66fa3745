package dev.gantry.pki;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads the client's {@link Identity} from its TLS certificate and makes it the call's context
 * ({@link #current()}). A certificate that names no Gantry identity is refused {@code
 * UNAUTHENTICATED}; a client that showed no certificate (or a call without TLS: in-process unit
 * tests) has none, and each service's access rule refuses it.
 */
public final class PeerIdentity implements ServerInterceptor {

  private static final Context.Key<Identity> KEY = Context.key("gantry-peer-identity");

  /** The identity of the client whose call runs now, or null when the call came without TLS. */
  public static Identity current() {
    return KEY.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return next.startCall(call, headers);
    }
    Identity identity;
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return next.startCall(call, headers); // no certificate shown: no identity
    }
    try {
      identity = Identity.of((X509Certificate) chain[0]);
    } catch (IllegalArgumentException | ClassCastException e) {
      call.close(Status.UNAUTHENTICATED.withDescription(
          "the client certificate names no Gantry identity (expected: a URI SAN spiffe://gantry/...): " + e.getMessage()),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(KEY, identity), call, headers, next);
  }
}
