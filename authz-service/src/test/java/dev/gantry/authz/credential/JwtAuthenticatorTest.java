package dev.gantry.authz.credential;

import com.nimbusds.jose.jwk.JWK;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {

  private static TestIssuer issuer;
  private JwtAuthenticator authenticator;

  @BeforeAll
  static void keys() throws Exception {
    issuer = new TestIssuer();
  }

  @BeforeEach
  void fresh() {
    issuer.lookups.set(0);
    authenticator = new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), Clock.systemUTC());
  }

  private Authentication check(String token) {
    return authenticator.authenticate(token, "demo", TestIssuer.workspaces());
  }

  private static String reason(Authentication authentication) {
    return authentication instanceof Authentication.Refused r ? r.reason() : "authenticated";
  }

  @Test
  void rs256_es256_eddsa_areVerified() throws Exception {
    for (String token : new String[] {issuer.rs256(c -> c), issuer.es256(), issuer.eddsa()}) {
      Authentication result = check(token);
      assertThat(result).isInstanceOf(Authentication.Authenticated.class);
      Principal p = ((Authentication.Authenticated) result).principal();
      assertThat(p.workspace()).isEqualTo("demo");
      assertThat(p.subject()).isEqualTo("alice");
      assertThat(p.kind()).isEqualTo("jwt");
      assertThat(p.credentialId()).isEqualTo("token-1");
      assertThat(p.scopes()).containsExactlyInAnyOrder("agt:invoke", "mcp:call");
    }
  }

  @Test
  void verifiedToken_isRememberedUntilItExpires() throws Exception {
    VerifiedTokens cache = new VerifiedTokens(100);
    authenticator = new JwtAuthenticator(issuer.lookup(), cache, Clock.systemUTC());
    String token = issuer.rs256(c -> c);
    check(token);
    long hitsAfterFirst = cache.stats().hits();

    assertThat(check(token)).isInstanceOf(Authentication.Authenticated.class);
    assertThat(cache.stats().hits()).as("answered from the cache, no signature checked").isEqualTo(hitsAfterFirst + 1);
  }

  /** Checks {@code token} twice: accepted, and the second time answered from {@code cache}. */
  private void assertCached(String token, VerifiedTokens cache) {
    assertThat(check(token)).isInstanceOf(Authentication.Authenticated.class);
    long hits = cache.stats().hits();
    assertThat(check(token)).isInstanceOf(Authentication.Authenticated.class);
    assertThat(cache.stats().hits()).as("cached before the change").isEqualTo(hits + 1);
  }

  @Test
  void aCachedToken_stopsAtOnce_whenItsIssuerIsRemovedOrChanged() throws Exception {
    VerifiedTokens cache = new VerifiedTokens(100);
    authenticator = new JwtAuthenticator(issuer.lookup(), cache, Clock.systemUTC());
    String token = issuer.rs256(c -> c);
    assertCached(token, cache);

    Map<String, WorkspaceEntry> withoutIssuer = Map.of("demo", new WorkspaceEntry("demo", List.of()));
    assertThat(reason(authenticator.authenticate(token, "demo", withoutIssuer))).isEqualTo("unknown-issuer");

    Map<String, WorkspaceEntry> otherAudience = Map.of("demo", new WorkspaceEntry("demo",
        List.of(new IssuerEntry(TestIssuer.ISSUER, TestIssuer.JWKS, Set.of("another-audience")))));
    assertThat(reason(authenticator.authenticate(token, "demo", otherAudience))).isEqualTo("wrong-audience");

    assertThat(check(token)).as("trusted again: verified again").isInstanceOf(Authentication.Authenticated.class);
  }

  @Test
  void aCachedToken_stopsAtOnce_whenItsKeyLeavesTheKeySet_orIsReplaced() throws Exception {
    AtomicReference<JWK> published = new AtomicReference<>(issuer.rsa.toPublicJWK());
    VerifiedTokens cache = new VerifiedTokens(100);
    authenticator = new JwtAuthenticator((uri, kid) -> kid.equals(published.get().getKeyID()) ? published.get() : null,
        cache, Clock.systemUTC());
    String token = issuer.rs256(c -> c);
    assertCached(token, cache);

    published.set(new RSAKeyGenerator(2048).keyID("another-kid").generate().toPublicJWK());
    assertThat(reason(check(token))).as("rotated out").isEqualTo("unknown-kid");

    published.set(new RSAKeyGenerator(2048).keyID(issuer.rsa.getKeyID()).generate().toPublicJWK());
    assertThat(reason(check(token))).as("another key under the same kid").isEqualTo("bad-signature");

    published.set(issuer.rsa.toPublicJWK());
    assertThat(check(token)).isInstanceOf(Authentication.Authenticated.class);
  }

  @Test
  void algNone_isRefused() throws Exception {
    String payload = issuer.rs256(c -> c).split("\\.")[1];
    String none = Base64URL.encode("{\"alg\":\"none\"}") + "." + payload + ".";
    assertThat(reason(check(none))).isEqualTo("unsigned-token");
  }

  @Test
  void hs256SignedWithTheRsaPublicKey_isRefused() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), TestIssuer.claims().build());
    jwt.sign(new MACSigner(issuer.rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
    assertThat(reason(check(jwt.serialize()))).isEqualTo("unsupported-alg");
  }

  @Test
  void expired_notYetValid_wrongIssuer_wrongAudience_areRefused() throws Exception {
    assertThat(reason(check(issuer.rs256(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))))))
        .isEqualTo("token-expired");
    assertThat(reason(check(issuer.rs256(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(300)))))))
        .isEqualTo("token-not-yet-valid");
    assertThat(reason(check(issuer.rs256(c -> c.issuer("https://evil.test"))))).isEqualTo("unknown-issuer");
    assertThat(reason(check(issuer.rs256(c -> c.audience("someone-else"))))).isEqualTo("wrong-audience");
    assertThat(reason(check(issuer.rs256(c -> c.expirationTime(null))))).isEqualTo("missing-exp");
  }

  @Test
  void expiredWithinSkew_isAccepted() throws Exception {
    assertThat(check(issuer.rs256(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(30))))))
        .isInstanceOf(Authentication.Authenticated.class);
  }

  @Test
  void unknownKid_isRefused() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotated-9").build(), TestIssuer.claims().build());
    jwt.sign(new RSASSASigner(issuer.rsa));
    assertThat(reason(check(jwt.serialize()))).isEqualTo("unknown-kid");
  }

  @Test
  void tamperedPayload_isRefused() throws Exception {
    String[] parts = issuer.rs256(c -> c).split("\\.");
    String forged = Base64URL.encode(TestIssuer.claims().subject("admin").build().toString()).toString();
    assertThat(reason(check(parts[0] + "." + forged + "." + parts[2]))).isEqualTo("bad-signature");
  }

  @Test
  void jkuPointingElsewhere_isIgnored_keysComeOnlyFromTheConfiguredSet() throws Exception {
    var attacker = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
        .jwkURL(URI.create("https://evil.test/jwks.json")).build(), TestIssuer.claims().build());
    jwt.sign(new RSASSASigner(attacker));
    assertThat(reason(check(jwt.serialize()))).isEqualTo("bad-signature");
  }

  @Test
  void oversizedToken_isRefusedBeforeParsing() throws Exception {
    String token = issuer.rs256(c -> c.claim("padding", "x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS)));
    assertThat(reason(check(token))).isEqualTo("token-too-large");
    assertThat(issuer.lookups.get()).isZero();
  }

  @Test
  void nonCanonicalSpellingsOfAValidToken_areRefused_evenAfterTheCanonicalOneIsCached() throws Exception {
    String token = issuer.es256();
    assertThat(check(token)).isInstanceOf(Authentication.Authenticated.class);
    String[] parts = token.split("\\.");
    String signature = parts[2];
    // ES256: 64 bytes, 86 characters; the last carries 4 bits beyond the bytes.
    char last = signature.charAt(signature.length() - 1);
    String strayBits = signature.substring(0, signature.length() - 1)
        + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) + 1) % 64);
    assertThat(java.util.Base64.getUrlDecoder().decode(strayBits)).as("the same bytes")
        .isEqualTo(java.util.Base64.getUrlDecoder().decode(signature));
    for (String variant : java.util.List.of(
        parts[0] + "." + parts[1] + "." + strayBits,
        parts[0] + "." + parts[1] + "." + signature + "==",
        parts[0] + "=." + parts[1] + "." + signature,
        parts[0] + "." + parts[1] + "." + signature.replace('-', '+').replace('_', '/'),
        parts[0] + "." + parts[1] + " ." + signature)) {
      if (variant.equals(token)) {
        continue;
      }
      assertThat(reason(check(variant))).as(variant).isEqualTo("non-canonical-token");
    }
    assertThat(reason(check(token))).isEqualTo("authenticated");
  }

  @Test
  void garbage_isMalformed() {
    assertThat(reason(check("not-a-jwt"))).isEqualTo("malformed-token");
  }

  @Test
  void tokenOfAnotherWorkspace_isAuthenticatedForThatWorkspace() throws Exception {
    Authentication result = check(issuer.otherRs256());
    assertThat(((Authentication.Authenticated) result).principal().workspace()).isEqualTo("other");
  }
}
