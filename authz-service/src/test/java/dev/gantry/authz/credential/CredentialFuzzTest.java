package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.authz.model.ApiKeyEntry;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.SigningKeyEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the credential parsers, each with what must hold whatever arrives:
 * an answer (a principal or a refusal with a reason), never an exception, and nothing accepted
 * that the fuzzer could not have signed. In {@code ./mvnw verify} every target replays its
 * committed inputs ({@code CredentialFuzzTestInputs/}); to search for new ones: {@code
 * scripts/fuzz CredentialFuzzTest#<target> <seconds>}.
 */
class CredentialFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Map<String, ApiKeyEntry> API_KEYS = Map.of("k1", new ApiKeyEntry(
      "k1", "demo", sha256("s3cret"), Set.of("agt:invoke"), "", null, false));
  private static final Map<String, SigningKeyEntry> SIGNING_KEYS = signingKeys();
  private static final MessageSignatures SIGNATURES = new MessageSignatures(CLOCK);
  private static final com.nimbusds.jose.jwk.JWK RSA = rsaKey();

  /**
   * Any bearer token: read as a canonical signed JWT or refused with a reason. What is read
   * spells each part in canonical base64url, and no key verifies a signature the fuzzer made.
   */
  @FuzzTest
  void jwt(byte[] input) throws Exception {
    String token = new String(input, StandardCharsets.ISO_8859_1);
    JwtAuthenticator.Read read = JwtAuthenticator.read(token);
    if (read.refused() != null) {
      assertThat(read.refused().reason()).isNotBlank();
      return;
    }
    for (String part : token.split("\\.", -1)) {
      byte[] decoded = Base64.getUrlDecoder().decode(part);
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(decoded)).as("canonical").isEqualTo(part);
    }
    Authentication.Refused refused = JwtAuthenticator.checkSignature(read.jwt(), RSA);
    assertThat(refused).as("a signature nobody made with this key").isNotNull();
  }

  /** Any API key: refused with a reason unless it is exactly the one issued. */
  @FuzzTest
  void apiKey(byte[] input) {
    String key = new String(input, StandardCharsets.ISO_8859_1);
    Authentication result = new ApiKeyAuthenticator(CLOCK).authenticate(key, API_KEYS);
    if (key.equals("gk_k1_s3cret")) {
      assertThat(result).isInstanceOf(Authentication.Authenticated.class);
    } else {
      assertThat(result).isInstanceOfSatisfying(Authentication.Refused.class, r -> assertThat(r.reason()).isNotBlank());
    }
  }

  /** Any Authorization and x-api-key headers: a credential found, none, or unusable; never an exception. */
  @FuzzTest
  void bearer(FuzzedDataProvider data) {
    Map<String, String> headers = new HashMap<>();
    if (data.consumeBoolean()) {
      headers.put(BearerCredential.AUTHORIZATION, data.consumeString(512));
    }
    if (data.consumeBoolean()) {
      headers.put(BearerCredential.API_KEY_HEADER, data.consumeRemainingAsString());
    }
    assertThat(BearerCredential.from(headers)).isNotNull();
  }

  /** Signature-Input parsing: a member parsed, or IllegalArgumentException; label scanning never throws. */
  @FuzzTest
  void signatureInput(byte[] input) {
    String header = new String(input, StandardCharsets.ISO_8859_1);
    SignatureInput.repeatedLabel(header);
    try {
      SignatureInput parsed = SignatureInput.parse(header);
      assertThat(parsed).isNotNull();
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  /**
   * A whole RFC 9421 signed request, every header the fuzzer's: always a refusal with a reason
   * (the fuzzer holds no signing key), never an exception.
   */
  @FuzzTest
  void signedRequest(FuzzedDataProvider data) {
    Map<String, String> headers = new HashMap<>();
    headers.put(MessageSignatures.SIGNATURE_INPUT, data.consumeString(400));
    headers.put(MessageSignatures.SIGNATURE, data.consumeString(400));
    if (data.consumeBoolean()) {
      headers.put(ContentDigest.HEADER, data.consumeString(200));
    }
    String method = data.pickValue(new String[] {"GET", "POST", "get", "PUT", ""});
    String path = data.consumeString(200);
    byte[] body = data.consumeRemainingAsBytes();
    Authentication result = SIGNATURES.verify(
        new RequestFacts("agt-private-demo.run.localhost", method, path, headers, RequestFacts.Listener.PUBLIC, body),
        SIGNING_KEYS, body);
    assertThat(result).isInstanceOfSatisfying(Authentication.Refused.class, r -> assertThat(r.reason()).isNotBlank());
  }

  /** Content-Digest: accepted only when it carries the body's own SHA-256 or SHA-512. */
  @FuzzTest
  void contentDigest(FuzzedDataProvider data) throws Exception {
    String header = data.consumeString(300);
    byte[] body = data.consumeRemainingAsBytes();
    String problem = ContentDigest.check(header, body);
    if (problem == null) {
      String sha256 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
      String sha512 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(body));
      assertThat(header).as("accepted").containsAnyOf(sha256.substring(0, 40), sha512.substring(0, 40));
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static com.nimbusds.jose.jwk.JWK rsaKey() {
    try {
      return new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, SigningKeyEntry> signingKeys() {
    try {
      TestSigner ed = TestSigner.ed25519("ed-1");
      return Map.of("ed-1", SigningKeys.entry("ed-1", "demo", ed.publicJwk(), Set.of("agt:invoke")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
