package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gantry.authz.jwks.VerificationKeys;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Project Wycheproof's JSON Web Signature vectors (test resources {@code wycheproof/}), run
 * against the sidecar's own code in the order a Check runs it: the key set sorted as a JWKS
 * load sorts it ({@link VerificationKeys}), the token read ({@link JwtAuthenticator#read}) and
 * its signature checked ({@link JwtAuthenticator#checkSignature}). What comes before (the
 * issuer, from the claims) and after (expiry, audience) is not what these vectors test: their
 * payloads are not JWT claims.
 *
 * <p>Every vector marked invalid must be refused. A valid one is accepted unless refused for one
 * of the deliberate reasons below: Gantry accepts RS256, ES256 and EdDSA only, spelled
 * canonically. (A valid JWS with an empty payload passes here; as a JWT the Check then refuses
 * it: a JWT's payload is its claims.)
 */
class WycheproofJwsTest {


  /**
   * Why a valid vector may be refused, by design: an algorithm Gantry does not accept (HS*, PS*,
   * RS384/512, ES384/512), and a part not spelled as canonical base64url (Wycheproof's "base64"
   * group calls a few such spellings valid, since some libraries skip stray characters; Gantry
   * gives each token one spelling, so its variants cannot fill the verified-token cache).
   */
  private static final Set<String> DELIBERATE = Set.of("unsupported-alg", "non-canonical-token");

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"json_web_signature_test.json", "json_web_key_test.json"})
  void everyInvalidVectorIsRefused_everyValidOneAcceptedOrRefusedOnlyForADeliberateReason(String vectorFile)
      throws Exception {
    Map<String, Object> file;
    try (InputStream in = WycheproofJwsTest.class.getResourceAsStream("/wycheproof/" + vectorFile)) {
      file = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Map<String, Integer> summary = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    int vectors = 0;
    for (Object rawGroup : JSONObjectUtils.getJSONObjectArray(file, "testGroups")) {
      Map<String, Object> group = cast(rawGroup);
      List<JWK> kept = keySet(group.containsKey("public") ? JSONObjectUtils.getJSONObject(group, "public")
          : JSONObjectUtils.getJSONObject(group, "private"));
      for (Object rawTest : JSONObjectUtils.getJSONObjectArray(group, "tests")) {
        Map<String, Object> test = cast(rawTest);
        vectors++;
        String result = (String) test.get("result");
        String outcome = outcome((String) test.get("jws"), kept);
        summary.merge(result + " → " + outcome, 1, Integer::sum);
        boolean ok = switch (result) {
          case "invalid" -> !outcome.equals("accepted");
          case "valid" -> outcome.equals("accepted") || DELIBERATE.contains(outcome);
          default -> !outcome.equals("accepted");   // "acceptable": Gantry takes the strict side
        };
        if (!ok) {
          wrong.add("tcId " + test.get("tcId") + " (" + group.get("comment") + ", " + test.get("comment") + "): "
              + result + " but " + outcome);
        }
      }
    }
    System.out.println("Wycheproof " + vectorFile + ": " + vectors + " vectors: " + summary);
    assertThat(wrong).isEmpty();
    assertThat(vectors).as("the whole file was read").isEqualTo(((Number) file.get("numberOfTests")).intValue());
    assertThat(summary).as("the accepted algorithms are exercised").containsKey("valid → accepted");
  }

  /**
   * The keys a JWKS load would keep of a group's key material (one key, or a set): public parts
   * only (a symmetric key has none), then {@link VerificationKeys}. Material the parser refuses
   * (a point off its curve) gives no key, as a JWKS that fails to parse does.
   */
  private static List<JWK> keySet(Map<String, Object> material) {
    List<JWK> keys = new ArrayList<>();
    try {
      List<JWK> parsed = material.containsKey("keys")
          ? com.nimbusds.jose.jwk.JWKSet.parse(material).getKeys() : List.of(JWK.parse(material));
      for (JWK key : parsed) {
        JWK publicPart = key.toPublicJWK();
        if (publicPart != null) {
          keys.add(publicPart);
        }
      }
    } catch (java.text.ParseException | RuntimeException e) {
      return List.of();
    }
    return VerificationKeys.sort(keys).kept();
  }

  /** "accepted", or the stable reason the Check would give. */
  private static String outcome(String jws, List<JWK> keys) {
    if (jws.isEmpty()) {
      return "malformed-token";   // BearerCredential refuses an empty token before this
    }
    JwtAuthenticator.Read read = JwtAuthenticator.read(jws);
    if (read.refused() != null) {
      return read.refused().reason();
    }
    String kid = read.jwt().getHeader().getKeyID();
    JWK key = keys.stream().filter(k -> kid.equals(k.getKeyID())).findFirst().orElse(null);
    Authentication.Refused refused = JwtAuthenticator.checkSignature(read.jwt(), key);
    return refused == null ? "accepted" : refused.reason();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }
}
