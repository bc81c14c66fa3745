package dev.gantry.pki;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Mutual TLS for Gantry's small HTTPS endpoints (a service's metrics): the server presents its
 * part's certificate from {@link TlsFiles}, re-read as {@link GrpcTls} does, and completes a
 * handshake only with a client whose certificate chains to the trusted CA and names an identity
 * {@code clients} accepts. Unlike the gRPC servers, a client without a certificate (or with
 * another identity) is refused in the handshake: these endpoints have nothing to tell it.
 */
public final class HttpsTls {

  private HttpsTls() {}

  /**
   * A client context presenting {@code files}' certificate (read once: for short-lived clients
   * such as the CLI) and accepting only a server whose certificate, from the CA in {@code files},
   * names an identity {@code server} accepts.
   */
  public static SSLContext client(TlsFiles files, Predicate<Identity> server) throws IOException {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      keys.updateIdentityCredentials(files.cert().toFile(), files.key().toFile());
      AdvancedTlsX509TrustManager trust = PeerCheck.trustManager("the server", server);
      trust.updateTrustCredentials(files.ca().toFile());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS files " + files + ": " + e.getMessage(), e);
    }
  }

  /** A configurator for {@code com.sun.net.httpserver.HttpsServer} and the servers built on it. */
  public static HttpsConfigurator server(TlsFiles files, Predicate<Identity> clients, ScheduledExecutorService reloads)
      throws IOException {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      AdvancedTlsX509TrustManager trust = PeerCheck.trustManager("the client", clients);
      TlsReloader.start(files, keys, trust, reloads, GrpcTls.RELOAD_SECONDS);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
      return new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters parameters = context.getDefaultSSLParameters();
          parameters.setNeedClientAuth(true);
          parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
          params.setSSLParameters(parameters);
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS files " + files + ": " + e.getMessage(), e);
    }
  }
}
