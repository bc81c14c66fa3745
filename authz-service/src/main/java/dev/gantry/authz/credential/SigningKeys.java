package dev.gantry.authz.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.gantry.authz.model.SigningKeyEntry;
import dev.gantry.pki.Base64Spelling;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.text.ParseException;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The public keys of signed requests: parsed once from their JWK when a snapshot arrives, and
 * verifying a signature base. Ed25519 and ECDSA P-256 with SHA-256, on BouncyCastle, several
 * times faster than the JDK's SunEC for these curves (docs/architecture.md, "Envoy and library
 * behaviour we rely on"; the decision figures are DecisionBenchmark's in bench/).
 */
public final class SigningKeys {

  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private SigningKeys() {}

  /** A registered key, parsed once when the snapshot arrives. */
  public static SigningKeyEntry entry(String keyId, String workspace, String jwkJson, Set<String> scopes) {
    JWK jwk;
    try {
      jwk = JWK.parse(jwkJson);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JWK: " + e.getMessage());
    }
    String spelling = Base64Spelling.jwkProblem(jwk.toJSONObject());
    if (spelling != null) {
      throw new IllegalArgumentException("not a canonical JWK: " + spelling);
    }
    try {
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        return new SigningKeyEntry(keyId, workspace, "ed25519", new Ed25519PublicKeyParameters(okp.getDecodedX(), 0), scopes, jwkJson);
      }
      if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        return new SigningKeyEntry(keyId, workspace, "ecdsa-p256-sha256", ec.toECPublicKey(), scopes, jwkJson);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable key: " + e.getMessage());
    }
    throw new IllegalArgumentException("key type " + jwk.getKeyType() + " (expected: OKP Ed25519 or EC P-256)");
  }

  /** True when {@code signature} over {@code base} verifies with {@code key}. */
  static boolean verifies(SigningKeyEntry key, byte[] base, byte[] signature) {
    try {
      if (key.publicKey() instanceof Ed25519PublicKeyParameters ed25519) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, ed25519);
        signer.update(base, 0, base.length);
        return signer.verifySignature(signature);
      }
      if (key.publicKey() instanceof PublicKey ec && signature.length == 64) {
        Signature verifier = Signature.getInstance("SHA256withECDSA", BOUNCY_CASTLE);
        verifier.initVerify(ec);
        verifier.update(base);
        return verifier.verify(ECDSA.transcodeSignatureToDER(signature));
      }
      return false;
    } catch (java.security.GeneralSecurityException | JOSEException e) {
      return false;
    }
  }
}
