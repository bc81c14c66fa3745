package dev.gantry.e2e;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a test client reaches a gateway's public side: its plaintext port, or its HTTPS port with
 * the trust a user's client has (the CA that issued the gateway's certificates, host names
 * checked). Hostnames resolve to loopback ({@link LoopbackNames}), so a client names the host it
 * wants and TLS sends that name (SNI) and verifies the certificate against it.
 *
 * @param ca the CA an HTTPS client trusts; null for plaintext
 */
record PublicPort(String name, int port, X509Certificate ca) {

  boolean https() {
    return ca != null;
  }

  /** {@code http(s)://host:port/path}. */
  URI uri(String host, String path) {
    return URI.create((https() ? "https" : "http") + "://" + host + ":" + port + path);
  }

  /** {@code ws(s)://host:port/path}. */
  URI webSocketUri(String host, String path) {
    return URI.create((https() ? "wss" : "ws") + "://" + host + ":" + port + path);
  }

  /** A JDK TLS context trusting {@link #ca()} only. */
  SSLContext tls() {
    return trusting(ca);
  }

  /** A JDK TLS context trusting {@code ca} only, presenting no certificate. */
  static SSLContext trusting(X509Certificate ca) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
