package dev.gantry.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for a local stack and for tests: an ECDSA P-256 root that issues
 * short-lived leaf certificates carrying one {@link Identity} each. Production plugs in its own
 * CA instead: Gantry only reads certificate files ({@link TlsFiles}).
 */
public final class LocalCa {

  private final X509Certificate certificate;
  private final PrivateKey key;

  private LocalCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new root, valid for {@code lifetime}. */
  public static LocalCa create(String name, Duration lifetime) {
    try {
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(lifetime)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      return new LocalCa(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
    }
  }

  /** The root kept in {@code cert} and {@code key} (PEM). */
  public static LocalCa load(Path cert, Path key) throws IOException {
    try (Reader certReader = Files.newBufferedReader(cert); Reader keyReader = Files.newBufferedReader(key);
        PEMParser certs = new PEMParser(certReader); PEMParser keys = new PEMParser(keyReader)) {
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate((org.bouncycastle.cert.X509CertificateHolder) certs.readObject());
      Object keyObject = keys.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey privateKey = keyObject instanceof PEMKeyPair pair
          ? converter.getKeyPair(pair).getPrivate()
          : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) keyObject);
      return new LocalCa(certificate, privateKey);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException("not a CA certificate and key: " + cert + ", " + key + " (" + e.getMessage() + ")", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the root's certificate ({@code cert}, readable by all) and key ({@code key}, owner only). */
  public void write(Path cert, Path key) throws IOException {
    Pem.writeAtomically(cert, Pem.of(certificate), false);
    Pem.writeAtomically(key, Pem.of(this.key), true);
  }

  /**
   * A leaf certificate for {@code identity}, valid for {@code lifetime}, usable as a TLS server
   * and client; servers also answer to {@code localhost} and 127.0.0.1.
   */
  public Issued issue(Identity identity, Duration lifetime) {
    try {
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      GeneralNames names = new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri().toString()),
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(lifetime)), new X500Name("CN=" + identity.role().path() + (identity.scope().isEmpty() ? "" : " " + identity.scope())),
          pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, names)
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
      return new Issued(identity, sign(builder, key), pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + identity + ": " + e.getMessage(), e);
    }
  }

  /**
   * A certificate for TLS servers at the edge, naming {@code dnsNames} (wildcards allowed), valid
   * for {@code lifetime}: what {@code ./gantry up} and the tests serve to HTTPS clients. The
   * chain is the leaf alone: clients trust this root directly.
   */
  public ServingCertificate issueServing(java.util.List<String> dnsNames, Duration lifetime) {
    try {
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      GeneralNames names = new GeneralNames(dnsNames.stream()
          .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new));
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(lifetime)), new X500Name("CN=" + dnsNames.getFirst()), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, names)
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
      return ServingCertificate.parse(Pem.of(sign(builder, key)), Pem.of(pair.getPrivate()), now);
    } catch (GeneralSecurityException | IOException | ServingCertificate.Refused e) {
      throw new IllegalStateException("cannot issue a certificate for " + dnsNames + ": " + e.getMessage(), e);
    }
  }

  /** A certificate issued for an identity, its key, and the root that issued it. */
  public record Issued(Identity identity, X509Certificate certificate, PrivateKey key, X509Certificate issuer) {

    /**
     * Writes {@code cert.pem} (the leaf, then the root) and {@code key.pem} (owner only) into
     * {@code dir}, each replaced by a rename: a reader sees the old file or the new one. The key
     * goes first, so a reader that reloads on the certificate's change finds the new pair.
     */
    public void write(Path dir) throws IOException {
      Files.createDirectories(dir);
      Pem.writeAtomically(dir.resolve(TlsFiles.KEY), Pem.of(key), true);
      Pem.writeAtomically(dir.resolve(TlsFiles.CERT), Pem.of(certificate) + Pem.of(issuer), false);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(128, new SecureRandom());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** PEM text and atomic file writes. */
  static final class Pem {

    private Pem() {}

    static String of(Object object) throws IOException {
      StringWriter text = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
        writer.writeObject(object instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : object);
      }
      return text.toString();
    }

    static void writeAtomically(Path file, String content, boolean secret) throws IOException {
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(temp, content);
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
