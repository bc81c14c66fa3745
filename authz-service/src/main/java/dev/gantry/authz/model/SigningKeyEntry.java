package dev.gantry.authz.model;

import java.util.Set;

/**
 * A public key whose RFC 9421 signatures act for a workspace, ready to verify with.
 *
 * @param keyId the signature's {@code keyid}
 * @param workspace the workspace it acts for
 * @param alg {@code ed25519} or {@code ecdsa-p256-sha256}
 * @param publicKey the key in the form its verifier takes (BouncyCastle parameters)
 * @param scopes what requests signed with it may do
 * @param jwk the public key as registered (a JWK, JSON)
 */
public record SigningKeyEntry(
    String keyId, String workspace, String alg, Object publicKey, Set<String> scopes, String jwk) {

  public SigningKeyEntry {
    scopes = Set.copyOf(scopes);
  }
}
