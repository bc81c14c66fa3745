package dev.gantry.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate the gateways serve to clients at the edge (not one of Gantry's own identities):
 * its chain and private key as PEM, with what was read from them. Made only by {@link #parse},
 * which refuses anything Envoy would refuse or a client could not verify, so a certificate that
 * reaches a gateway is one it can serve.
 *
 * @param chainPem the leaf first, then the intermediates
 * @param keyPem the leaf's private key (PKCS#8, or PKCS#1 / SEC1 as OpenSSL writes them)
 * @param dnsNames the leaf's DNS subject alternative names, lower case, as written (wildcards too)
 * @param notBefore when the leaf becomes valid
 * @param notAfter when the leaf expires
 */
public record ServingCertificate(String chainPem, String keyPem, List<String> dnsNames, Instant notBefore, Instant notAfter) {

  /** The most PEM text a chain may have: a leaf and a few intermediates fit many times over. */
  public static final int MAX_CHAIN_CHARS = 64 * 1024;

  /** The most PEM text a key may have (an RSA 8192 key is about 6.4 KiB). */
  public static final int MAX_KEY_CHARS = 16 * 1024;

  /** The smallest RSA key served. */
  public static final int MIN_RSA_BITS = 2048;

  public ServingCertificate {
    Objects.requireNonNull(chainPem, "chainPem");
    Objects.requireNonNull(keyPem, "keyPem");
    dnsNames = List.copyOf(dnsNames);
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
  }

  /** Why a certificate was refused: a stable reason and a message that says what was expected. */
  public static final class Refused extends Exception {

    private final String reason;

    Refused(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** Stable, e.g. {@code certificate-expired}. */
    public String reason() {
      return reason;
    }
  }

  /**
   * Reads and checks a chain and its key as a new certificate entering the system: everything
   * {@link #read(String, String)} checks, and the leaf valid at {@code now}.
   */
  public static ServingCertificate parse(String chainPem, String keyPem, Instant now) throws Refused {
    ServingCertificate certificate = read(chainPem, keyPem);
    certificate.checkValidAt(now);
    return certificate;
  }

  /** Refuses this certificate unless its leaf is valid at {@code now}. */
  public void checkValidAt(Instant now) throws Refused {
    if (now.isBefore(notBefore)) {
      throw new Refused("certificate-not-yet-valid", "the certificate is valid from " + notBefore);
    }
    if (!now.isBefore(notAfter)) {
      throw new Refused("certificate-expired", "the certificate expired at " + notAfter);
    }
  }

  /**
   * Reads and checks a chain and its key, whenever they are valid: the key must be the leaf's
   * (EC P-256 or P-384, or RSA of at least 2,048 bits), each certificate signed by the next, the
   * leaf for servers, with at least one DNS name. What was stored is read with this: a
   * certificate that has expired since is still the one bound (and shown as expired).
   */
  public static ServingCertificate read(String chainPem, String keyPem) throws Refused {
    if (chainPem == null || chainPem.isBlank()) {
      throw new Refused("certificate-missing", "no certificate (expected: a PEM chain, the leaf first)");
    }
    if (keyPem == null || keyPem.isBlank()) {
      throw new Refused("key-missing", "no private key (expected: the certificate's key in PEM)");
    }
    if (chainPem.length() > MAX_CHAIN_CHARS || keyPem.length() > MAX_KEY_CHARS) {
      throw new Refused("too-large", "the chain may have up to " + MAX_CHAIN_CHARS + " characters and the key up to "
          + MAX_KEY_CHARS);
    }
    List<X509Certificate> chain = certificates(chainPem);
    X509Certificate leaf = chain.getFirst();
    PrivateKey key = privateKey(keyPem);
    checkKey(leaf);
    try {
      KeyPairs.check(leaf, key);
    } catch (GeneralSecurityException e) {
      throw new Refused("key-mismatch", "the private key is not the certificate's (" + e.getMessage() + ")");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new Refused("chain-order", "certificate " + (i + 1) + " of the chain is not signed by certificate " + (i + 2)
            + " (expected: the leaf first, then each issuer)");
      }
    }
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains("1.3.6.1.5.5.7.3.1") && !usages.contains("2.5.29.37.0")) {
        throw new Refused("not-for-servers", "the certificate's extended key usage does not include TLS servers");
      }
    } catch (CertificateException e) {
      throw new Refused("certificate-unreadable", "unreadable extended key usage: " + e.getMessage());
    }
    List<String> names = dnsNames(leaf);
    if (names.isEmpty()) {
      throw new Refused("no-dns-names", "the certificate names no DNS host (expected: subject alternative names;"
          + " clients ignore the common name)");
    }
    return new ServingCertificate(chainPem, keyPem, names, leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
  }

  /**
   * Whether a client verifying this certificate accepts it for {@code host}: one of its names is
   * the host, or a wildcard standing for the host's first label only ({@code *.a.example} covers
   * {@code b.a.example}, not {@code a.example} nor {@code c.b.a.example}; RFC 6125 §6.4.3).
   */
  public boolean covers(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    for (String dns : dnsNames) {
      if (dns.equals(name)) {
        return true;
      }
      if (dns.startsWith("*.")) {
        int dot = name.indexOf('.');
        if (dot > 0 && name.substring(dot + 1).equals(dns.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whole days until it expires, from {@code now}; negative once expired. */
  public long daysLeft(Instant now) {
    return Duration.between(now, notAfter).toDays();
  }

  /**
   * Writes {@code cert.pem} and {@code key.pem} (owner only) into {@code dir}, each replaced by a
   * rename, the key first: a reader that reloads on the certificate's change finds the new pair.
   */
  public void write(java.nio.file.Path dir) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    LocalCa.Pem.writeAtomically(dir.resolve(TlsFiles.KEY), keyPem, true);
    LocalCa.Pem.writeAtomically(dir.resolve(TlsFiles.CERT), chainPem, false);
  }

  /** Reads {@code cert.pem} and {@code key.pem} of {@code dir}, as {@link #write} leaves them, valid at {@code now}. */
  public static ServingCertificate read(java.nio.file.Path dir, Instant now) throws IOException, Refused {
    ServingCertificate certificate = read(dir);
    certificate.checkValidAt(now);
    return certificate;
  }

  /** Reads {@code cert.pem} and {@code key.pem} of {@code dir} whenever they are valid (as {@link #read(String, String)}). */
  public static ServingCertificate read(java.nio.file.Path dir) throws IOException, Refused {
    return read(java.nio.file.Files.readString(dir.resolve(TlsFiles.CERT)),
        java.nio.file.Files.readString(dir.resolve(TlsFiles.KEY)));
  }

  @Override
  public String toString() {
    // Never the key: records print every component, and this one ends up in logs.
    return "ServingCertificate" + dnsNames + " until " + notAfter;
  }

  private static List<X509Certificate> certificates(String pem) throws Refused {
    Collection<? extends java.security.cert.Certificate> read;
    try {
      read = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException | RuntimeException e) {
      throw new Refused("certificate-unreadable", "the certificate chain is not PEM X.509 (" + e.getMessage() + ")");
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (java.security.cert.Certificate certificate : read) {
      chain.add((X509Certificate) certificate);
    }
    if (chain.isEmpty()) {
      throw new Refused("certificate-unreadable", "no certificate in the chain (expected: -----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  private static PrivateKey privateKey(String pem) throws Refused {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new Refused("key-unreadable", "no unencrypted private key in the key's PEM (expected: PRIVATE KEY,"
          + " EC PRIVATE KEY or RSA PRIVATE KEY)");
    } catch (IOException | RuntimeException e) {
      throw new Refused("key-unreadable", "the private key is not PEM (" + e.getMessage() + ")");
    }
  }

  private static void checkKey(X509Certificate leaf) throws Refused {
    if (leaf.getPublicKey() instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new Refused("weak-key", "an RSA key of " + rsa.getModulus().bitLength() + " bits (expected: at least "
            + MIN_RSA_BITS + ")");
      }
    } else if (leaf.getPublicKey() instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits != 256 && bits != 384) {
        throw new Refused("unsupported-key", "an EC key on a " + bits + "-bit curve (expected: P-256 or P-384)");
      }
    } else {
      throw new Refused("unsupported-key", "a " + leaf.getPublicKey().getAlgorithm() + " key (expected: EC P-256,"
          + " P-384, or RSA)");
    }
  }

  private static List<String> dnsNames(X509Certificate leaf) throws Refused {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          if (Integer.valueOf(2).equals(alternative.get(0))) {
            names.add(String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateException e) {
      throw new Refused("certificate-unreadable", "unreadable subject alternative names: " + e.getMessage());
    }
    return names;
  }
}
