package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.model.ApiKeyEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** API keys at their edges: the longest key, an empty secret, a key without a name. */
class ApiKeyAuthenticatorEdgesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private final ApiKeyAuthenticator apiKeys = new ApiKeyAuthenticator(Clock.fixed(NOW, ZoneOffset.UTC));

  private static byte[] sha256(String secret) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
  }

  private static Map<String, ApiKeyEntry> key(String id, String secret, String name) throws Exception {
    return Map.of(id, new ApiKeyEntry(id, "demo", sha256(secret), Set.of("agt:invoke"), name, null, false));
  }

  private static String reason(Authentication authentication) {
    return authentication instanceof Authentication.Refused refused ? refused.reason() : "authenticated";
  }

  @Test
  void aKeyOfExactlyTheLongestLength_isChecked_oneCharacterMoreIsMalformed() throws Exception {
    String secret = "s".repeat(ApiKeyAuthenticator.MAX_KEY_CHARS - "gk_k1_".length());
    Map<String, ApiKeyEntry> keys = key("k1", secret, "ci");

    assertThat(reason(apiKeys.authenticate("gk_k1_" + secret, keys))).isEqualTo("authenticated");
    assertThat(reason(apiKeys.authenticate("gk_k1_" + secret + "s", keys))).isEqualTo("malformed-key");
  }

  @Test
  void aKeyWithAnEmptySecret_isMalformed_evenWereAnEmptySecretStored() throws Exception {
    assertThat(reason(apiKeys.authenticate("gk_k1_", key("k1", "", "ci")))).isEqualTo("malformed-key");
  }

  @Test
  void aKeyWithoutAName_speaksAsItsId_oneWithANameAsItsName() throws Exception {
    Authentication unnamed = apiKeys.authenticate("gk_k2_secret2", key("k2", "secret2", ""));
    Authentication named = apiKeys.authenticate("gk_k1_secret1", key("k1", "secret1", "ci"));

    assertThat(((Authentication.Authenticated) unnamed).principal().subject()).isEqualTo("apikey:k2");
    assertThat(((Authentication.Authenticated) named).principal().subject()).isEqualTo("apikey:ci");
  }
}
