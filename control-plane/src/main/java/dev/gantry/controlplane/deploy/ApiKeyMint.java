package dev.gantry.controlplane.deploy;

import dev.gantry.controlplane.model.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Makes API keys: {@code gk_<id>_<secret>}. The {@code gk_} prefix tells a key from a JWT
 * (which starts {@code eyJ}); the id (12 characters) finds the key in O(1); the secret (32
 * random bytes, base64url) is shown once and kept only as its SHA-256 — enough for a random
 * 256-bit secret, which no dictionary holds.
 */
public final class ApiKeyMint {

  /** Every key starts with this. */
  public static final String PREFIX = "gk_";

  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final SecureRandom random = new SecureRandom();

  /** A new key and what to keep of it. */
  public record Minted(String key, ApiKey stored) {}

  public Minted mint(String name, Set<String> scopes, Instant now, Instant expiresAt) {
    String id = newId(random);
    String secret = newSecret(random);
    return new Minted(PREFIX + id + "_" + secret,
        new ApiKey(id, sha256Hex(secret), scopes, name, now, expiresAt, false));
  }

  /** A new credential id: 12 characters that no one misreads. */
  static String newId(SecureRandom random) {
    StringBuilder id = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
    }
    return id.toString();
  }

  /** A new secret: 32 random bytes, base64url. */
  static String newSecret(SecureRandom random) {
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
  }

  static String sha256Hex(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
