package dev.gantry.authz.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gantry.pki.Base64Spelling;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which keys of an issuer's key set may verify a token, decided once when the set is loaded,
 * never per request. A key is kept only when it is for signatures ({@code use} absent or
 * {@code sig}; {@code key_ops} absent or naming {@code verify}), declares no algorithm or one
 * Gantry accepts that fits its type and curve (RS256 for RSA, ES256 for EC P-256, EdDSA for
 * OKP Ed25519), is strong enough (RSA of 2,048 bits or more, an odd public exponent of at
 * least 3, no ROCA fingerprint), and is spelled canonically ({@link
 * dev.gantry.pki.Base64Spelling#jwkProblem}). Pure.
 */
public final class VerificationKeys {

  /** The smallest RSA modulus kept. */
  public static final int MIN_RSA_BITS = 2048;

  private VerificationKeys() {}

  /** The small primes of the ROCA fingerprint test (Nemec et al., CCS 2017). */
  private static final int[] ROCA_PRIMES = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73,
      79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167};

  /**
   * Whether {@code modulus} carries the fingerprint of the Infineon library's weak RSA keys
   * (ROCA): for every prime p above, the modulus mod p lies in the subgroup 65537 generates.
   * A random modulus passes one such test with probability well under one, all of them with
   * negligible probability.
   */
  static boolean rocaFingerprint(java.math.BigInteger modulus) {
    for (int p : ROCA_PRIMES) {
      int residue = modulus.mod(java.math.BigInteger.valueOf(p)).intValue();
      int generator = 65537 % p;
      boolean inSubgroup = false;
      int power = 1;
      do {
        if (power == residue) {
          inSubgroup = true;
          break;
        }
        power = power * generator % p;
      } while (power != 1);
      if (!inSubgroup) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why a key may not verify tokens: a stable {@code reason} (a metric's label, one of {@link
   * #REASONS}) and the details, for a log line.
   */
  public record Refusal(String reason, String why) {}

  /** Every {@link Refusal#reason()}: a metric's label values, known and few. */
  public static final List<String> REASONS = List.of("non-canonical", "not-for-signatures", "rsa-too-small",
      "rsa-exponent", "rsa-roca", "unsupported-curve", "unsupported-key-type", "alg-mismatch");

  /** A key dropped from a set: its id and why. */
  public record Dropped(String kid, Refusal refusal) {
    @Override
    public String toString() {
      return "key '" + kid + "': " + refusal.why();
    }
  }

  /** A key set split into the keys kept and, for each key dropped, why. */
  public record Sorted(List<JWK> kept, List<Dropped> dropped) {}

  /** Sorts {@code keys} (public keys only are looked at). */
  public static Sorted sort(List<JWK> keys) {
    List<JWK> kept = new ArrayList<>();
    List<Dropped> dropped = new ArrayList<>();
    for (JWK key : keys) {
      Refusal refusal = refusal(key);
      if (refusal == null) {
        kept.add(key);
      } else {
        dropped.add(new Dropped(key.getKeyID(), refusal));
      }
    }
    return new Sorted(List.copyOf(kept), List.copyOf(dropped));
  }

  /** Why {@code key} may not verify tokens, or null when it may. */
  static Refusal refusal(JWK key) {
    String spelling = Base64Spelling.jwkProblem(key.toJSONObject());
    if (spelling != null) {
      return new Refusal("non-canonical", spelling);
    }
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return new Refusal("not-for-signatures", "use '" + key.getKeyUse().identifier() + "' (expected: sig or none)");
    }
    Set<KeyOperation> ops = key.getKeyOperations();
    if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
      return new Refusal("not-for-signatures", "key_ops " + ops + " (expected: verify among them, or none)");
    }
    JWSAlgorithm fits;
    if (key instanceof RSAKey rsa) {
      int bits = rsa.size();
      if (bits < MIN_RSA_BITS) {
        return new Refusal("rsa-too-small", "an RSA key of " + bits + " bits (expected: at least " + MIN_RSA_BITS + ")");
      }
      java.math.BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
      if (e.compareTo(java.math.BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
        return new Refusal("rsa-exponent", "an RSA public exponent of " + e + " (expected: odd, at least 3; 65537 as a rule)");
      }
      if (rocaFingerprint(rsa.getModulus().decodeToBigInteger())) {
        return new Refusal("rsa-roca", "an RSA key with the ROCA fingerprint (CVE-2017-15361: its private key can be computed)");
      }
      fits = JWSAlgorithm.RS256;
    } else if (key instanceof ECKey ec) {
      if (!Curve.P_256.equals(ec.getCurve())) {
        return new Refusal("unsupported-curve", "an EC key on " + ec.getCurve() + " (expected: P-256, for ES256)");
      }
      fits = JWSAlgorithm.ES256;
    } else if (key instanceof OctetKeyPair okp) {
      if (!Curve.Ed25519.equals(okp.getCurve())) {
        return new Refusal("unsupported-curve", "an OKP key on " + okp.getCurve() + " (expected: Ed25519, for EdDSA)");
      }
      fits = JWSAlgorithm.EdDSA;
    } else {
      return new Refusal("unsupported-key-type", "a " + key.getKeyType() + " key (expected: RSA, EC P-256 or OKP Ed25519)");
    }
    if (key.getAlgorithm() != null && !fits.getName().equals(key.getAlgorithm().getName())) {
      return new Refusal("alg-mismatch",
          "alg '" + key.getAlgorithm() + "' on a key for " + fits + " (expected: " + fits + " or none)");
    }
    return null;
  }
}
