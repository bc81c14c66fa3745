package dev.gantry.authz.credential;

import dev.gantry.pki.Base64Spelling;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 9530 {@code Content-Digest}: a signed request's body is checked against it. */
final class ContentDigest {

  /** The header (lower case). */
  static final String HEADER = "content-digest";

  private ContentDigest() {}

  /** Null when {@code header} (RFC 9530) matches {@code body}; else what is wrong. */
  static String check(String header, byte[] body) {
    if (header == null) {
      return "the signature covers content-digest, which the request does not carry";
    }
    byte[] content = body == null ? new byte[0] : body;
    for (String entry : header.split(",")) {
      String[] parts = entry.strip().split("=", 2);
      if (parts.length != 2 || !parts[1].startsWith(":") || !parts[1].endsWith(":") || parts[1].length() < 2) {
        continue;
      }
      String algorithm = switch (parts[0].strip()) {
        case "sha-256" -> "SHA-256";
        case "sha-512" -> "SHA-512";
        default -> null;
      };
      if (algorithm == null) {
        continue;
      }
      byte[] expected = Base64Spelling.decodeCanonical(parts[1].substring(1, parts[1].length() - 1));
      if (expected == null) {
        return "content-digest '" + parts[0].strip() + "' is not canonical base64 (expected: the standard alphabet,"
            + " with padding, no stray bits)";
      }
      try {
        return MessageDigest.isEqual(MessageDigest.getInstance(algorithm).digest(content), expected)
            ? null : "content-digest does not match the body";
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has " + algorithm, e);
      }
    }
    return "content-digest has no sha-256 or sha-512 value (expected: sha-256=:<base64>:)";
  }
}
