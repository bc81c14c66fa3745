package dev.gantry.pki;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a key manager and a trust manager in step with their {@link TlsFiles}: read now, then
 * re-read every few seconds when a file changed. grpc-java's own file reloading waits at least
 * a minute and swaps a key and a certificate only when both changed; here a new pair is taken as
 * soon as it is consistent (the key signs what the certificate's public key verifies), and a
 * half-written renewal is simply tried again at the next look, the previous pair staying in use.
 */
final class TlsReloader {

  private static final Logger log = Logger.getLogger(TlsReloader.class.getName());

  private final TlsFiles files;
  private final AdvancedTlsX509KeyManager keys;
  private final AdvancedTlsX509TrustManager trust;
  private String applied = "";

  private TlsReloader(TlsFiles files, AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager trust) {
    this.files = files;
    this.keys = keys;
    this.trust = trust;
  }

  /** What one look at the files did. */
  enum Look { UNCHANGED, TAKEN, REFUSED }

  /**
   * Loads {@code files} into both managers now (failing if they are unusable) and keeps them
   * current: a look every {@code periodSeconds} on {@code reloads}.
   */
  static TlsReloader start(TlsFiles files, AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager trust,
      ScheduledExecutorService reloads, long periodSeconds) throws IOException, GeneralSecurityException {
    TlsReloader reloader = new TlsReloader(files, keys, trust);
    reloader.reload();
    reloads.scheduleWithFixedDelay(reloader::look, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    return reloader;
  }

  /** One look: takes the files if they changed and are consistent; otherwise keeps the pair in use. */
  Look look() {
    try {
      return reload() ? Look.TAKEN : Look.UNCHANGED;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.log(Level.WARNING, "TLS files " + files + " changed but are not usable yet; keeping the previous ones: " + e);
      return Look.REFUSED;
    }
  }

  /** Takes the files if they changed (true), or does nothing (false); throws when they are not usable. */
  private synchronized boolean reload() throws IOException, GeneralSecurityException {
    String stamp = stamp(files.ca()) + stamp(files.cert()) + stamp(files.key());
    if (stamp.equals(applied)) {
      return false;
    }
    X509Certificate[] chain;
    PrivateKey key;
    X509Certificate[] cas;
    try (InputStream certs = Files.newInputStream(files.cert()); InputStream keyIn = Files.newInputStream(files.key());
        InputStream caIn = Files.newInputStream(files.ca())) {
      chain = CertificateUtils.getX509Certificates(certs);
      key = CertificateUtils.getPrivateKey(keyIn);
      cas = CertificateUtils.getX509Certificates(caIn);
    }
    if (chain.length == 0 || cas.length == 0) {
      throw new GeneralSecurityException("no certificate in " + (chain.length == 0 ? files.cert() : files.ca()));
    }
    KeyPairs.check(chain[0], key);
    keys.updateIdentityCredentials(chain, key);
    trust.updateTrustCredentials(cas);
    if (!applied.isEmpty()) {
      log.info("TLS files " + files + " renewed: now " + Identity.of(chain[0]) + ", valid until " + chain[0].getNotAfter());
    }
    applied = stamp;
    return true;
  }

  private static String stamp(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file) + ";";
  }
}
