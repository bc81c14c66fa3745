package dev.gantry.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingCertificateTest {

  private static final LocalCa CA = LocalCa.create("test", Duration.ofDays(30));

  @Test
  void wildcard_coversOneLabelOnly_exactNamesThemselves() {
    ServingCertificate certificate = CA.issueServing(List.of("*.run.example", "agents.acme.example"), Duration.ofDays(1));
    assertThat(certificate.dnsNames()).containsExactly("*.run.example", "agents.acme.example");
    assertThat(certificate.covers("agt-a-b.run.example")).isTrue();
    assertThat(certificate.covers("AGT-A-B.Run.Example")).isTrue();
    assertThat(certificate.covers("agents.acme.example")).isTrue();
    assertThat(certificate.covers("run.example")).isFalse();
    assertThat(certificate.covers("agt-a-b.eu-lon-1.run.example")).isFalse();
    assertThat(certificate.covers("x.agents.acme.example")).isFalse();
    assertThat(certificate.covers("evilrun.example")).isFalse();
  }

  @Test
  void parse_refusesAKeyOfAnotherCertificate_anExpiredOrFutureOne_andGarbage() throws Exception {
    ServingCertificate a = CA.issueServing(List.of("a.example"), Duration.ofDays(1));
    ServingCertificate b = CA.issueServing(List.of("b.example"), Duration.ofDays(1));
    Instant now = Instant.now();
    assertThat(ServingCertificate.parse(a.chainPem(), a.keyPem(), now).notAfter()).isEqualTo(a.notAfter());
    assertRefused(a.chainPem(), b.keyPem(), now, "key-mismatch");
    assertRefused(a.chainPem(), a.keyPem(), now.plus(Duration.ofDays(2)), "certificate-expired");
    assertRefused(a.chainPem(), a.keyPem(), now.minus(Duration.ofDays(1)), "certificate-not-yet-valid");
    assertRefused("not pem", a.keyPem(), now, "certificate-unreadable");
    assertRefused(a.chainPem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", now, "key-unreadable");
    assertRefused("", a.keyPem(), now, "certificate-missing");
    assertRefused(a.chainPem(), " ", now, "key-missing");
    assertRefused(a.chainPem() + "x".repeat(ServingCertificate.MAX_CHAIN_CHARS), a.keyPem(), now, "too-large");
    // A chain whose second certificate did not sign the first.
    assertRefused(a.chainPem() + b.chainPem(), a.keyPem(), now, "chain-order");
  }

  @Test
  void parse_refusesWeakRsaKeys_andCertificatesWithoutDnsNames() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair weak = rsa.generateKeyPair();
    assertRefused(selfSigned(weak, "SHA256withRSA"), LocalCa.Pem.of(weak.getPrivate()), Instant.now(), "weak-key");

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    KeyPair nameless = ec.generateKeyPair();
    assertRefused(selfSigned(nameless, "SHA256withECDSA"), LocalCa.Pem.of(nameless.getPrivate()), Instant.now(), "no-dns-names");
  }

  @Test
  void writtenFiles_readBackAsTheSameCertificate_andEnsureServingReissuesOnlyForOtherNames(@TempDir Path dir) throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir);
    Path edge = dir.resolve("edge/catalog");
    assertThat(pki.ensureServing(edge, List.of("*.run.example"))).isTrue();
    ServingCertificate first = ServingCertificate.read(edge, Instant.now());
    assertThat(pki.ensureServing(edge, List.of("*.run.example"))).isFalse();
    assertThat(ServingCertificate.read(edge, Instant.now())).isEqualTo(first);
    assertThat(pki.ensureServing(edge, List.of("*.run.example", "*.eu.run.example"))).isTrue();
    assertThat(ServingCertificate.read(edge, Instant.now()).dnsNames()).containsExactly("*.run.example", "*.eu.run.example");
    assertThat(first.toString()).doesNotContain("PRIVATE");
  }

  private static void assertRefused(String chain, String key, Instant now, String reason) {
    assertThatThrownBy(() -> ServingCertificate.parse(chain, key, now))
        .isInstanceOfSatisfying(ServingCertificate.Refused.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static String selfSigned(KeyPair pair, String algorithm) throws Exception {
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=x.example"), BigInteger.ONE,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), new X500Name("CN=x.example"), pair.getPublic());
    return LocalCa.Pem.of(new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate()))));
  }
}
