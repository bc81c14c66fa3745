package dev.gantry.controlplane.model;

import java.util.Objects;
import java.util.Set;

/**
 * A public key registered to a workspace: requests signed with its private key (RFC 9421) act
 * for the workspace.
 *
 * @param keyId the signature's {@code keyid}; unique across workspaces
 * @param jwk the public key as a JWK (JSON): OKP Ed25519 or EC P-256
 * @param alg {@code ed25519} or {@code ecdsa-p256-sha256}
 * @param scopes what requests signed with it may do
 */
public record SigningKey(String keyId, String jwk, String alg, Set<String> scopes) {

  public SigningKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(jwk, "jwk");
    Objects.requireNonNull(alg, "alg");
    scopes = Set.copyOf(scopes);
  }
}
