package dev.gantry.pki;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * Mutual TLS for Gantry's gRPC channels. Both sides present a certificate from their {@link
 * TlsFiles} and trust only the CA bundle there; the files are re-read every {@link
 * #RELOAD_SECONDS} s, so a renewed certificate is used for new connections without a restart
 * (open ones keep theirs). A client also checks the server's identity (its URI SAN), not a
 * host name; a server lets every authenticated client in, and each service decides what the
 * client's identity may do ({@link PeerIdentity}).
 */
public final class GrpcTls {

  /** How often certificate files are re-read. */
  public static final long RELOAD_SECONDS = 5;

  private GrpcTls() {}

  /**
   * Server credentials: TLS only, a client certificate verified against the trusted CA when one
   * is shown. A client without one still completes the handshake, so that it is told why it is
   * refused ({@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}: {@link PeerIdentity} gives it no
   * identity) instead of seeing a broken connection; only the health check answers it.
   */
  public static ServerCredentials server(TlsFiles files, ScheduledExecutorService reloads) throws IOException {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
          .build();
      TlsReloader.start(files, keys, trust, reloads, RELOAD_SECONDS);
      return TlsServerCredentials.newBuilder()
          .keyManager(keys)
          .trustManager(trust)
          .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
          .build();
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS files " + files + ": " + e.getMessage(), e);
    }
  }

  /**
   * Client credentials presenting this part's certificate and accepting only a server whose
   * certificate, issued by the trusted CA, names an identity {@code server} accepts.
   */
  public static ChannelCredentials client(TlsFiles files, Predicate<Identity> server, ScheduledExecutorService reloads)
      throws IOException {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      AdvancedTlsX509TrustManager trust = PeerCheck.trustManager("the server", server);
      TlsReloader.start(files, keys, trust, reloads, RELOAD_SECONDS);
      return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(trust).build();
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS files " + files + ": " + e.getMessage(), e);
    }
  }
}
