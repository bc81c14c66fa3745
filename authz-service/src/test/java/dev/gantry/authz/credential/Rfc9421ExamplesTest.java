package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.SigningKeyEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RFC 9421's own example (Appendix B.2.6: the test request signed with Ed25519 by the key
 * {@code test-key-ed25519} of Appendix B.1.4), against the sidecar's code with the RFC's clock:
 * the signature base it builds is the RFC's byte for byte, and the RFC's signature verifies over
 * it with the RFC's key. The example's request has a query its signature does not cover, and a
 * body whose digest it does not sign: Gantry refuses it for the first (deliberately, README
 * "Signed requests"), which this test also shows.
 */
class Rfc9421ExamplesTest {

  /** Appendix B.1.4, the public key as a JWK. */
  private static final String TEST_KEY_ED25519 =
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"test-key-ed25519\",\"x\":\"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs\"}";

  private static final String INPUT = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
      + ";created=1618884473;keyid=\"test-key-ed25519\"";
  private static final String SIGNATURE =
      "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

  /** Appendix B.2 (test-request), as Envoy hands it over. */
  private static RequestFacts request(String path) {
    return new RequestFacts("example.com", "POST", path, Map.of(
        "date", "Tue, 20 Apr 2021 02:07:55 GMT",
        "content-type", "application/json",
        "content-digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
        "content-length", "18",
        "signature-input", INPUT,
        "signature", SIGNATURE), RequestFacts.Listener.PUBLIC, "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void b26_theBaseIsTheRfcs_theRfcsSignatureVerifiesWithItsKey_andGantryRefusesTheUncoveredQuery() {
    SigningKeyEntry key = SigningKeys.entry("test-key-ed25519", "demo", TEST_KEY_ED25519, Set.of("agt:invoke"));
    SignatureInput member = SignatureInput.parse(INPUT);

    String base = MessageSignatures.signatureBase(request("/foo?param=Value&Pet=dog"), member);

    assertThat(base).isEqualTo("""
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@method": POST
        "@path": /foo
        "@authority": example.com
        "content-type": application/json
        "content-length": 18
        "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");\
        created=1618884473;keyid="test-key-ed25519\"""");
    byte[] signature = Base64.getDecoder().decode(SIGNATURE.substring("sig-b26=:".length(), SIGNATURE.length() - 1));
    assertThat(SigningKeys.verifies(key, base.getBytes(StandardCharsets.UTF_8), signature)).isTrue();
    byte[] tampered = base.replace("POST", "PUT").getBytes(StandardCharsets.UTF_8);
    assertThat(SigningKeys.verifies(key, tampered, signature)).isFalse();

    MessageSignatures signatures = new MessageSignatures(Clock.fixed(Instant.ofEpochSecond(1618884473), ZoneOffset.UTC));
    Authentication result = signatures.verify(request("/foo?param=Value&Pet=dog"), Map.of("test-key-ed25519", key),
        "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOfSatisfying(Authentication.Refused.class,
        refused -> assertThat(refused.reason()).isEqualTo("signature-incomplete"));
  }
}
