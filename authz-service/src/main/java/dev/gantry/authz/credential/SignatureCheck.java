package dev.gantry.authz.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.Provider;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Verifies a JWT's signature with a key of the kind its algorithm demands. Only RS256, ES256 and
 * EdDSA (Ed25519) are accepted: {@code none} and every HMAC algorithm are refused before any key
 * is looked at, so an RSA public key can never be used as an HMAC secret.
 *
 * <p>Providers by measurement (docs/architecture.md, "Envoy and library behaviour we rely on"): RSA with the JDK; ECDSA with BouncyCastle's JCA
 * provider; Ed25519 with BouncyCastle's lightweight API.
 */
final class SignatureCheck {

  static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private SignatureCheck() {}

  /** True when {@code key} fits the token's algorithm and the signature verifies with it. */
  static boolean verify(SignedJWT jwt, JWK key) throws JOSEException {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
      return jwt.verify(new RSASSAVerifier(rsa));
    }
    if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
      ECDSAVerifier verifier = new ECDSAVerifier(ec);
      verifier.getJCAContext().setProvider(BOUNCY_CASTLE);
      return jwt.verify(verifier);
    }
    if (JWSAlgorithm.EdDSA.equals(alg) && key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(false, new Ed25519PublicKeyParameters(okp.getDecodedX(), 0));
      byte[] input = jwt.getSigningInput();
      signer.update(input, 0, input.length);
      return signer.verifySignature(jwt.getSignature().decode());
    }
    return false;
  }
}
