package dev.gantry.pki;

import java.nio.file.Path;

/**
 * Where a part finds its trust and its identity: the CA bundle it trusts, and its own
 * certificate chain and private key (PEM). In production these come from the operator's CA or
 * a certificate agent; {@code ./gantry up} and the tests write them with {@link LocalCa}. Every
 * part re-reads them while it runs, so a renewed certificate needs no restart.
 *
 * @param ca the CA certificates trusted for peers
 * @param cert this part's certificate chain, leaf first
 * @param key this part's private key (PKCS#8)
 */
public record TlsFiles(Path ca, Path cert, Path key) {

  /** The certificate's file name in an identity's directory. */
  public static final String CERT = "cert.pem";

  /** The key's file name in an identity's directory. */
  public static final String KEY = "key.pem";

  /** The CA bundle's file name in a PKI directory. */
  public static final String CA = "ca.pem";

  /** The files of {@code identity} in a PKI directory laid out by {@link PkiDirectory}. */
  public static TlsFiles in(Path pkiDir, Identity identity) {
    return of(pkiDir.resolve(CA), PkiDirectory.identityDir(pkiDir, identity));
  }

  /** The CA bundle {@code ca} and the certificate and key in an identity's directory {@code dir}. */
  public static TlsFiles of(Path ca, Path dir) {
    return new TlsFiles(ca, dir.resolve(CERT), dir.resolve(KEY));
  }

  /** These files, with each one given (not null) in place of its counterpart: command-line overrides. */
  public TlsFiles overriddenBy(Path ca, Path cert, Path key) {
    return new TlsFiles(ca != null ? ca : this.ca, cert != null ? cert : this.cert, key != null ? key : this.key);
  }

  /** The first of the three files that cannot be read, or null when all can. */
  public Path unreadable() {
    return java.util.stream.Stream.of(ca, cert, key).filter(file -> !java.nio.file.Files.isReadable(file)).findFirst()
        .orElse(null);
  }
}
