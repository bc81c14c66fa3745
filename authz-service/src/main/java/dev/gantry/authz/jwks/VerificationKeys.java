package dev.gantry.authz.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which keys of an issuer's key set may verify a token, decided once when the set is loaded,
 * never per request. A key is kept only when it is for signatures ({@code use} absent or
 * {@code sig}; {@code key_ops} absent or naming {@code verify}), declares no algorithm or one
 * Gantry accepts that fits its type and curve (RS256 for RSA, ES256 for EC P-256, EdDSA for
 * OKP Ed25519), and is strong enough (RSA of 2,048 bits or more). Pure.
 */
public final class VerificationKeys {

  /** The smallest RSA modulus kept. */
  public static final int MIN_RSA_BITS = 2048;

  private VerificationKeys() {}

  /** A key set split into the keys kept and, for each key dropped, why. */
  public record Sorted(List<JWK> kept, List<String> dropped) {}

  /** Sorts {@code keys} (public keys only are looked at). */
  public static Sorted sort(List<JWK> keys) {
    List<JWK> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (JWK key : keys) {
      String why = refusal(key);
      if (why == null) {
        kept.add(key);
      } else {
        dropped.add("key '" + key.getKeyID() + "': " + why);
      }
    }
    return new Sorted(List.copyOf(kept), List.copyOf(dropped));
  }

  /** Why {@code key} may not verify tokens, or null when it may. */
  static String refusal(JWK key) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return "use '" + key.getKeyUse().identifier() + "' (expected: sig or none)";
    }
    Set<KeyOperation> ops = key.getKeyOperations();
    if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
      return "key_ops " + ops + " (expected: verify among them, or none)";
    }
    JWSAlgorithm fits;
    if (key instanceof RSAKey rsa) {
      int bits = rsa.size();
      if (bits < MIN_RSA_BITS) {
        return "an RSA key of " + bits + " bits (expected: at least " + MIN_RSA_BITS + ")";
      }
      fits = JWSAlgorithm.RS256;
    } else if (key instanceof ECKey ec) {
      if (!Curve.P_256.equals(ec.getCurve())) {
        return "an EC key on " + ec.getCurve() + " (expected: P-256, for ES256)";
      }
      fits = JWSAlgorithm.ES256;
    } else if (key instanceof OctetKeyPair okp) {
      if (!Curve.Ed25519.equals(okp.getCurve())) {
        return "an OKP key on " + okp.getCurve() + " (expected: Ed25519, for EdDSA)";
      }
      fits = JWSAlgorithm.EdDSA;
    } else {
      return "a " + key.getKeyType() + " key (expected: RSA, EC P-256 or OKP Ed25519)";
    }
    if (key.getAlgorithm() != null && !fits.getName().equals(key.getAlgorithm().getName())) {
      return "alg '" + key.getAlgorithm() + "' on a key for " + fits + " (expected: " + fits + " or none)";
    }
    return null;
  }
}
