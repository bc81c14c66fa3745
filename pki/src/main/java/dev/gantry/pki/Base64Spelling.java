package dev.gantry.pki;

import java.util.Base64;
import java.util.Map;

/**
 * The one canonical spelling of base64 data. Lenient decoders read many strings as the same
 * bytes — padding or none, whitespace, the other alphabet, stray bits in the last character —
 * so a credential accepted in any spelling has many: variants of one token look like different
 * credentials, fill caches, and slip past comparisons. Gantry accepts only the spelling an
 * encoder produces. Pure.
 */
public final class Base64Spelling {

  private Base64Spelling() {}

  /** Base64url without padding (JWS, JWK): the URL-safe alphabet only, no stray bits. */
  public static boolean canonicalUrl(String value) {
    if (value.length() % 4 == 1) {
      return false; // no byte string encodes to that length
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    // The last character may carry bits beyond the encoded bytes: encoding again drops them.
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(value)).equals(value);
  }

  /**
   * The bytes of standard base64 with padding (RFC 8941 byte sequences: Signature,
   * Content-Digest) when {@code value} is their canonical spelling, else null. RFC 8941 asks
   * parsers to tolerate missing padding and stray bits; Gantry does not, deliberately: every
   * conforming encoder writes the canonical form, and one signature has one spelling.
   */
  public static byte[] decodeCanonical(String value) {
    if (value.length() % 4 != 0) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    return Base64.getEncoder().encodeToString(bytes).equals(value) ? bytes : null;
  }

  /**
   * What is not canonical about a public JWK's key members (its JSON object), or null: each
   * canonical base64url, and the coordinates of P-256 and the key of Ed25519 exactly 32 octets
   * (RFC 7518 §6.2.1, RFC 8037). RSA {@code n} and {@code e} may carry leading zero octets,
   * though RFC 7518 asks for the fewest: some identity providers publish them so, and the
   * number they spell is the same.
   */
  public static String jwkProblem(Map<String, Object> jwk) {
    Object kty = jwk.get("kty");
    Object crv = jwk.get("crv");
    if ("RSA".equals(kty)) {
      return firstOf(member(jwk, "n", 0), member(jwk, "e", 0));
    }
    if ("EC".equals(kty)) {
      int size = "P-256".equals(crv) ? 32 : 0;
      return firstOf(member(jwk, "x", size), member(jwk, "y", size));
    }
    if ("OKP".equals(kty)) {
      return member(jwk, "x", "Ed25519".equals(crv) ? 32 : 0);
    }
    return null;
  }

  /** @param octets the exact length required; 0: any */
  private static String member(Map<String, Object> jwk, String name, int octets) {
    if (!(jwk.get(name) instanceof String value)) {
      return null; // absent members are for the JWK parser to refuse
    }
    if (!canonicalUrl(value)) {
      return "member '" + name + "' is not canonical base64url (expected: URL-safe alphabet, no padding, no stray bits)";
    }
    byte[] bytes = Base64.getUrlDecoder().decode(value);
    if (octets > 0 && bytes.length != octets) {
      return "member '" + name + "' is " + bytes.length + " octets (expected: " + octets + ")";
    }
    return null;
  }

  private static String firstOf(String a, String b) {
    return a != null ? a : b;
  }
}
