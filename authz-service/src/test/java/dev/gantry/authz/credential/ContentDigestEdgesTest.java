package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 9530 Content-Digest as a signed request's body is checked against it: what each wrong
 * header is told, unknown algorithms skipped, and a request without a body read as an empty one.
 */
class ContentDigestEdgesTest {

  private static final byte[] BODY = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);

  /** Sixteen zero octets, canonical base64: a well-formed value of an algorithm Gantry does not use. */
  private static final String MD5_ENTRY = "md5=:AAAAAAAAAAAAAAAAAAAAAA==:";

  @Test
  void aCoveredDigestTheRequestDoesNotCarry_isSaidToBeMissing() {
    assertThat(ContentDigest.check(null, BODY)).contains("does not carry");
  }

  @Test
  void noBodyAtAll_isAnEmptyBody() throws Exception {
    assertThat(ContentDigest.check(TestSigner.contentDigest(new byte[0]), null)).isNull();
    assertThat(ContentDigest.check(TestSigner.contentDigest(BODY), null)).contains("does not match the body");
  }

  @Test
  void unknownAlgorithms_areSkipped_andAKnownOneAfterThemDecides() throws Exception {
    assertThat(ContentDigest.check(MD5_ENTRY + ", " + TestSigner.contentDigest(BODY), BODY)).isNull();
    assertThat(ContentDigest.check(MD5_ENTRY, BODY)).contains("no sha-256 or sha-512 value");
  }

  @Test
  void aDigestNotSpelledCanonically_isSaidToBeSo_notMerelyToMismatch() throws Exception {
    String digest = TestSigner.contentDigest(BODY);
    assertThat(digest).as("32 octets: one padding character").endsWith("=:");
    String unpadded = digest.substring(0, digest.length() - 2) + ":";

    assertThat(ContentDigest.check(unpadded, BODY)).contains("not canonical base64");
  }

  @Test
  void aValueWithoutBytes_isNoValue_andAnEmptyByteSequence_isADigestThatDoesNotMatch() {
    assertThat(ContentDigest.check("sha-256=:", BODY)).contains("no sha-256 or sha-512 value");
    assertThat(ContentDigest.check("sha-256=::", BODY)).contains("does not match the body");
  }
}
