package dev.gantry.pki;

import io.grpc.util.AdvancedTlsX509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;

/**
 * Accepts a peer, after its chain has been verified against the trusted CA, only when the
 * identity its certificate names passes {@code accepted}; {@code who} says in the refusal whom
 * the check expected ("the server", "a client").
 */
record PeerCheck(String who, Predicate<Identity> accepted) implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {

  /** A trust manager that verifies the peer's chain against the CA it is given, then this check. */
  static AdvancedTlsX509TrustManager trustManager(String who, Predicate<Identity> accepted) throws CertificateException {
    return AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
        .setSslSocketAndEnginePeerVerifier(new PeerCheck(who, accepted))
        .build();
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    Identity identity;
    try {
      identity = Identity.of(chain[0]);
    } catch (IllegalArgumentException e) {
      throw new CertificateException(e.getMessage());
    }
    if (!accepted.test(identity)) {
      throw new CertificateException(who + " is " + identity + ", not one this side accepts");
    }
  }
}
