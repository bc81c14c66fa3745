package dev.gantry.authz.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerificationKeysTest {

  @Test
  void onlyKeysForSignaturesOfAnAcceptedAlgorithm_strongEnough_areKept() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate().toPublicJWK();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate().toPublicJWK();
    OctetKeyPair ed = new OctetKeyPair.Builder(Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(
        new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new java.security.SecureRandom())
            .generatePublicKey().getEncoded())).keyID("ed").build();
    List<JWK> good = List.of(rsa,
        new RSAKey.Builder(rsa).keyID("rsa-sig").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build(),
        new RSAKey.Builder(rsa).keyID("rsa-ops").keyOperations(Set.of(KeyOperation.VERIFY, KeyOperation.SIGN)).build(),
        ec, new ECKey.Builder(ec).keyID("ec-alg").algorithm(JWSAlgorithm.ES256).build(),
        ed, new OctetKeyPair.Builder(ed).keyID("ed-alg").algorithm(JWSAlgorithm.EdDSA).build());
    List<JWK> bad = List.of(
        new RSAKey.Builder(rsa).keyID("enc").keyUse(KeyUse.ENCRYPTION).build(),
        new RSAKey.Builder(rsa).keyID("ops").keyOperations(Set.of(KeyOperation.ENCRYPT)).build(),
        new RSAKey.Builder(rsa).keyID("ps256").algorithm(JWSAlgorithm.PS256).build(),
        new RSAKey.Builder(rsa).keyID("es256-on-rsa").algorithm(JWSAlgorithm.ES256).build(),
        new RSAKeyGenerator(1024, true).keyID("rsa-1024").generate().toPublicJWK(),
        new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK(),
        new ECKey.Builder(ec).keyID("es384-on-p256").algorithm(JWSAlgorithm.ES384).build(),
        new OctetKeyPair.Builder(Curve.X25519, com.nimbusds.jose.util.Base64URL.encode(new byte[32])).keyID("x25519").build(),
        new RSAKey.Builder(rsa.getModulus(), com.nimbusds.jose.util.Base64URL.encode(java.math.BigInteger.ONE)).keyID("e-1").build(),
        new RSAKey.Builder(rsa.getModulus(), com.nimbusds.jose.util.Base64URL.encode(java.math.BigInteger.valueOf(65536)))
            .keyID("e-even").build());

    VerificationKeys.Sorted sorted = VerificationKeys.sort(concat(good, bad));

    assertThat(sorted.kept()).containsExactlyElementsOf(good);
    assertThat(sorted.dropped()).hasSize(bad.size());
    assertThat(sorted.dropped().stream().map(d -> d.kid() + "=" + d.refusal().reason()))
        .containsExactly("enc=not-for-signatures", "ops=not-for-signatures", "ps256=alg-mismatch", "es256-on-rsa=alg-mismatch",
            "rsa-1024=rsa-too-small", "p384=unsupported-curve", "es384-on-p256=alg-mismatch", "x25519=unsupported-curve",
            "e-1=rsa-exponent", "e-even=rsa-exponent");
    assertThat(sorted.dropped().stream().map(d -> d.refusal().reason())).allMatch(VerificationKeys.REASONS::contains);
    assertThat(joined(sorted))
        .contains("key 'enc': use 'enc'").contains("key 'ops': key_ops").contains("key 'ps256': alg 'PS256'")
        .contains("key 'es256-on-rsa': alg 'ES256'").contains("key 'rsa-1024': an RSA key of 1024 bits")
        .contains("key 'p384': an EC key on P-384").contains("key 'es384-on-p256': alg 'ES384'")
        .contains("key 'x25519': an OKP key on X25519")
        .contains("key 'e-1': an RSA public exponent of 1").contains("key 'e-even': an RSA public exponent of 65536");
  }

  @Test
  void keysWhoseMembersAreNotSpelledCanonically_areDropped() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate().toPublicJWK();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate().toPublicJWK();
    byte[] modulus = rsa.getModulus().decode();
    byte[] padded = new byte[modulus.length + 1];
    System.arraycopy(modulus, 0, padded, 1, modulus.length);
    String x = ec.getX().toString();
    String strayBits = x.substring(0, x.length() - 1) + straySpelling(x.charAt(x.length() - 1));
    RSAKey leadingZero = new RSAKey.Builder(Base64URL.encode(padded), rsa.getPublicExponent()).keyID("leading-zero").build();
    List<JWK> bad = List.of(
        new RSAKey.Builder(rsa.getModulus(), new Base64URL("AQAB=")).keyID("padded").build(),
        new RSAKey.Builder(new Base64URL(rsa.getModulus().toString().replace('-', '+').replace('_', '/')),
            rsa.getPublicExponent()).keyID("other-alphabet").build(),
        new ECKey.Builder(Curve.P_256, new Base64URL(strayBits), ec.getY()).keyID("stray-bits").build());

    VerificationKeys.Sorted sorted = VerificationKeys.sort(concat(List.of(rsa, ec, leadingZero), bad));

    assertThat(sorted.kept()).as("the same keys spelled canonically; a leading zero octet in n is tolerated")
        .containsExactly(rsa, ec, leadingZero);
    assertThat(sorted.dropped()).hasSize(bad.size());
    assertThat(sorted.dropped()).allMatch(d -> d.refusal().reason().equals("non-canonical"));
    assertThat(joined(sorted))
        .contains("key 'padded': member 'e' is not canonical base64url")
        .contains("key 'other-alphabet': member 'n' is not canonical base64url")
        .contains("key 'stray-bits': member 'x' is not canonical base64url");
  }

  /** The same six bits' worth of data with a stray bit set: 32 octets leave 2 bits unused in the last character. */
  private static char straySpelling(char last) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet.charAt(alphabet.indexOf(last) | 1);
  }

  private static String joined(VerificationKeys.Sorted sorted) {
    return String.join("\n", sorted.dropped().stream().map(VerificationKeys.Dropped::toString).toList());
  }

  private static List<JWK> concat(List<JWK> a, List<JWK> b) {
    List<JWK> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
