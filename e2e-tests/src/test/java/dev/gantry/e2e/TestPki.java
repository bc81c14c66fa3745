package dev.gantry.e2e;

import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.PkiDirectory;
import dev.gantry.pki.TlsFiles;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A stack's throw-away PKI ({@code <work dir>/pki}, made by the same {@link PkiDirectory} as
 * {@code ./gantry pki init}): every part of a test stack gets its certificate from here, so the
 * tests run every channel over mutual TLS, as production does.
 */
final class TestPki {

  private static final Map<Path, TestPki> BY_DIR = new ConcurrentHashMap<>();
  static final ScheduledExecutorService RELOADS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "test-tls-reload");
    thread.setDaemon(true);
    return thread;
  });

  final PkiDirectory pki;

  private TestPki(PkiDirectory pki) {
    this.pki = pki;
  }

  /** The PKI of the stack whose work directory is {@code workDir}. */
  static TestPki in(Path workDir) {
    return BY_DIR.computeIfAbsent(workDir.toAbsolutePath().normalize(), dir -> {
      try {
        PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
        pki.ensure(Identity.operator("local")); // the CLI's default credential
        return new TestPki(pki);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  Path dir() {
    return pki.dir();
  }

  private static final Path SOCKETS;

  static {
    try {
      // Short: a Unix socket's path holds about 100 bytes, a checkout's may be longer.
      SOCKETS = Files.createTempDirectory(Path.of("/tmp"), "gantry-");
      SOCKETS.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a region's sidecar of this stack listens: a Unix socket, as in production. */
  String authzSocket(String region) {
    return SOCKETS.resolve(Integer.toHexString(pki.dir().hashCode()) + "-" + region + ".sock").toString();
  }

  TlsFiles files(Identity identity) {
    try {
      return pki.ensure(identity);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TlsFiles controlPlane() {
    return files(Identity.controlPlane());
  }

  TlsFiles authz(String region) {
    return files(Identity.authz(region));
  }

  TlsFiles registrar() {
    return files(Identity.registrar("test"));
  }

  /** An admin API channel calling as {@code identity} (the local operator by default). */
  ManagedChannel admin(int controlPlanePort, Identity identity) {
    try {
      return io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", controlPlanePort,
          GrpcTls.client(files(identity), peer -> peer.role() == Identity.Role.CONTROL_PLANE, RELOADS)).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ManagedChannel operator(int controlPlanePort) {
    return admin(controlPlanePort, Identity.operator("local"));
  }

  /**
   * The working directory of a region's gateway Envoy: {@code sds/identity.yaml} and {@code
   * sds/ca.yaml} name its certificate and the CA (file-based SDS, as envoy/README.md lays out).
   */
  Path gatewayDir(String region) {
    TlsFiles files = files(Identity.gateway(region));
    Path dir = pki.dir().resolveSibling("gateway-" + region);
    try {
      Files.createDirectories(dir.resolve("sds"));
      Files.writeString(dir.resolve("sds/identity.yaml"), """
          resources:
            - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
              name: gantry-gateway-identity
              tls_certificate:
                certificate_chain: {filename: %s}
                private_key: {filename: %s}
          """.formatted(files.cert().toAbsolutePath(), files.key().toAbsolutePath()));
      Files.writeString(dir.resolve("sds/ca.yaml"), """
          resources:
            - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
              name: gantry-ca
              validation_context:
                trusted_ca: {filename: %s}
          """.formatted(files.ca().toAbsolutePath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * What an HTTPS user of the local stack trusts: this PKI's CA (as {@code curl --cacert
   * .gantry/pki/ca.pem}), no client certificate, host names checked by the client.
   */
  javax.net.ssl.SSLContext edgeClient() {
    return context(null);
  }

  /** This PKI's CA certificate. */
  java.security.cert.X509Certificate ca() {
    try (var in = Files.newInputStream(pki.dir().resolve(TlsFiles.CA))) {
      return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A TLS client for raw sockets: presenting {@code identity}'s certificate (none when null) and
   * trusting this PKI's CA, checking no host name (as a peer gateway checks the URI SAN instead).
   */
  javax.net.ssl.SSLSocketFactory tlsClient(Identity identity) {
    return context(identity).getSocketFactory();
  }

  /** An HTTPS client presenting {@code identity}'s certificate, trusting this PKI's CA, checking host names. */
  javax.net.ssl.SSLContext clientContext(Identity identity) {
    return context(identity);
  }

  private javax.net.ssl.SSLContext context(Identity identity) {
    try {
      java.security.cert.CertificateFactory x509 = java.security.cert.CertificateFactory.getInstance("X.509");
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      try (var in = Files.newInputStream(pki.dir().resolve(TlsFiles.CA))) {
        trust.setCertificateEntry("ca", x509.generateCertificate(in));
      }
      javax.net.ssl.TrustManagerFactory trustManagers =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      javax.net.ssl.KeyManager[] keyManagers = null;
      if (identity != null) {
        TlsFiles files = files(identity);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        java.util.List<java.security.cert.Certificate> chain;
        try (var in = Files.newInputStream(files.cert())) {
          chain = java.util.List.copyOf(x509.generateCertificates(in));
        }
        String pem = Files.readString(files.key()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
        keys.setKeyEntry("me", key, new char[0], chain.toArray(java.security.cert.Certificate[]::new));
        javax.net.ssl.KeyManagerFactory keyFactory =
            javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, new char[0]);
        keyManagers = keyFactory.getKeyManagers();
      }
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers.getTrustManagers(), null);
      return context;
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
