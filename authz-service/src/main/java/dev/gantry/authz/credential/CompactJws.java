package dev.gantry.authz.credential;

import dev.gantry.pki.Base64Spelling;

/**
 * The compact serialisation of a signed JWT as Gantry accepts it: three base64url parts, each
 * in its one canonical spelling — the URL-safe alphabet, no padding, no whitespace, and no
 * stray bits in the last character. A lenient decoder reads many strings as the same token;
 * accepting only the canonical one means one token has one spelling, so variants of a valid
 * token can neither fill the verified-token cache nor look like different credentials. Pure.
 */
final class CompactJws {

  private CompactJws() {}

  /**
   * Whether {@code token} has the shape of a signed JWT — three parts, a signature — but a part
   * is not canonical base64url. Anything else (two or five parts, no signature) is for the
   * parser to refuse with its own reason.
   */
  static boolean misspelled(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
      return false;
    }
    return !(canonicalPart(token, 0, first) && canonicalPart(token, first + 1, second)
        && canonicalPart(token, second + 1, token.length()));
  }

  private static boolean canonicalPart(String token, int start, int end) {
    return Base64Spelling.canonicalUrl(token.substring(start, end));
  }
}
