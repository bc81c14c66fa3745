package dev.gantry.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * A directory of certificates made by a {@link LocalCa}: {@code ca.pem} and {@code ca-key.pem}
 * (owner only), and one directory per identity, {@code <role>[-<scope>]/cert.pem, key.pem}.
 * What {@code ./gantry up} keeps under {@code .gantry/pki} and the tests in a temporary
 * directory.
 */
public final class PkiDirectory {

  /** How long the local root lives. */
  public static final Duration CA_LIFETIME = Duration.ofDays(3650);

  /** How long a local leaf lives: short, renewed at each start when a third is left. */
  public static final Duration LEAF_LIFETIME = Duration.ofDays(7);

  private final Path dir;
  private final LocalCa ca;

  private PkiDirectory(Path dir, LocalCa ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** Opens {@code dir}, creating its CA the first time. */
  public static PkiDirectory open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path cert = dir.resolve(TlsFiles.CA);
    Path key = dir.resolve("ca-key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      return new PkiDirectory(dir, LocalCa.load(cert, key));
    }
    LocalCa ca = LocalCa.create("Gantry local CA " + Instant.now(), CA_LIFETIME);
    ca.write(cert, key);
    return new PkiDirectory(dir, ca);
  }

  public Path dir() {
    return dir;
  }

  /** Where {@code identity}'s files are under {@code pkiDir}. */
  public static Path identityDir(Path pkiDir, Identity identity) {
    String name = identity.role().path() + (identity.scope().isEmpty() ? "" : "-" + identity.scope().replace('/', '-'));
    return pkiDir.resolve(name);
  }

  /** {@code identity}'s files, issued now if missing or past two thirds of their life. */
  public TlsFiles ensure(Identity identity) throws IOException {
    TlsFiles files = TlsFiles.in(dir, identity);
    if (!Files.exists(files.cert()) || !Files.exists(files.key()) || renewDue(files.cert())) {
      ca.issue(identity, LEAF_LIFETIME).write(identityDir(dir, identity));
    }
    return files;
  }

  /** Issues {@code identity} a new certificate and key now, replacing the files in place. */
  public TlsFiles renew(Identity identity, Duration lifetime) throws IOException {
    ca.issue(identity, lifetime).write(identityDir(dir, identity));
    return TlsFiles.in(dir, identity);
  }

  /**
   * A serving certificate for {@code dnsNames} in {@code dir} ({@code cert.pem}, {@code key.pem}),
   * issued now by this CA if there is none, if it names other hosts, or if two thirds of its life
   * have passed. True when it issued one.
   */
  public boolean ensureServing(Path dir, java.util.List<String> dnsNames) throws IOException {
    Path cert = dir.resolve(TlsFiles.CERT);
    if (Files.exists(cert) && Files.exists(dir.resolve(TlsFiles.KEY)) && !renewDue(cert)) {
      try {
        ServingCertificate current = ServingCertificate.read(dir, Instant.now());
        if (current.dnsNames().equals(dnsNames)) {
          return false;
        }
      } catch (ServingCertificate.Refused e) {
        // unusable: issue a new one below
      }
    }
    ca.issueServing(dnsNames, LEAF_LIFETIME).write(dir);
    return true;
  }

  /** Issues a new serving certificate for {@code dnsNames} into {@code dir} now (a renewal: a new key too). */
  public ServingCertificate renewServing(Path dir, java.util.List<String> dnsNames) throws IOException {
    ServingCertificate renewed = ca.issueServing(dnsNames, LEAF_LIFETIME);
    renewed.write(dir);
    return renewed;
  }

  private static boolean renewDue(Path cert) throws IOException {
    try (var in = Files.newInputStream(cert)) {
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Instant start = certificate.getNotBefore().toInstant();
      Instant end = certificate.getNotAfter().toInstant();
      return Instant.now().isAfter(start.plus(Duration.between(start, end).multipliedBy(2).dividedBy(3)));
    } catch (CertificateException e) {
      return true;
    }
  }
}
