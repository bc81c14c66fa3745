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
    Path dir = PkiDirectory.identityDir(pkiDir, identity);
    return new TlsFiles(pkiDir.resolve(CA), dir.resolve(CERT), dir.resolve(KEY));
  }
}
