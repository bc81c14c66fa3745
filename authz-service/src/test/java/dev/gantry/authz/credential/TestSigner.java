package dev.gantry.authz.credential;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs requests as an RFC 9421 client would, written from the RFC (not from the verifier), for
 * tests: Ed25519 or ECDSA P-256.
 */
public final class TestSigner {

  public final String keyId;
  public final String alg;
  private final OctetKeyPair ed25519;
  private final KeyPair ec;

  private TestSigner(String keyId, String alg, OctetKeyPair ed25519, KeyPair ec) {
    this.keyId = keyId;
    this.alg = alg;
    this.ed25519 = ed25519;
    this.ec = ec;
  }

  public static TestSigner ed25519(String keyId) throws Exception {
    Ed25519PrivateKeyParameters secret = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
    OctetKeyPair pair = new OctetKeyPair.Builder(Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(secret.generatePublicKey().getEncoded()))
        .d(com.nimbusds.jose.util.Base64URL.encode(secret.getEncoded())).keyID(keyId).build();
    return new TestSigner(keyId, "ed25519", pair, null);
  }

  public static TestSigner p256(String keyId) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return new TestSigner(keyId, "ecdsa-p256-sha256", null, generator.generateKeyPair());
  }

  /** The public key as a JWK, as a workspace registers it. */
  public String publicJwk() {
    return ed25519 != null
        ? ed25519.toPublicJWK().toJSONString()
        : new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).build().toJSONString();
  }

  /** RFC 9530 content-digest of {@code body} with SHA-256. */
  public static String contentDigest(byte[] body) throws Exception {
    return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":";
  }

  /**
   * The Signature-Input and Signature headers (and content-digest when given) for a request.
   *
   * @param components covered components, e.g. "@method", "@authority", "@path"
   * @param values the value of each component, in the same order
   * @param params the parameters after the component list, e.g. ";created=1;keyid=\"k\""
   */
  public Map<String, String> sign(List<String> components, List<String> values, String params) throws Exception {
    StringBuilder list = new StringBuilder("(");
    StringBuilder base = new StringBuilder();
    for (int i = 0; i < components.size(); i++) {
      list.append(i == 0 ? "" : " ").append('"').append(components.get(i)).append('"');
      base.append('"').append(components.get(i)).append("\": ").append(values.get(i)).append('\n');
    }
    String signatureParams = list.append(')').append(params).toString();
    base.append("\"@signature-params\": ").append(signatureParams);
    byte[] signed = signBytes(base.toString().getBytes(StandardCharsets.UTF_8));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("signature-input", "sig1=" + signatureParams);
    headers.put("signature", "sig1=:" + Base64.getEncoder().encodeToString(signed) + ":");
    return headers;
  }

  private byte[] signBytes(byte[] message) throws Exception {
    if (ed25519 != null) {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, new Ed25519PrivateKeyParameters(ed25519.getDecodedD(), 0));
      signer.update(message, 0, message.length);
      return signer.generateSignature();
    }
    Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initSign(ec.getPrivate());
    signature.update(message);
    return signature.sign();
  }
}
