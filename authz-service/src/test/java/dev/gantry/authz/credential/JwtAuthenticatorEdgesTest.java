package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWT verification at its edges: the size limit, which workspace vouches when two trust
 * one issuer, claims that are absent or not an object, keys that do not fit or cannot verify,
 * the reasons of tokens of the wrong shape, and what a cached token costs.
 */
class JwtAuthenticatorEdgesTest {

  private static TestIssuer issuer;
  private Clock clock;
  private JwtAuthenticator authenticator;

  @BeforeAll
  static void keys() throws Exception {
    issuer = new TestIssuer();
  }

  @BeforeEach
  void fresh() {
    clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    authenticator = new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(100), clock);
  }

  private Authentication check(String token) {
    return authenticator.authenticate(token, "demo", TestIssuer.workspaces());
  }

  private static String reason(Authentication authentication) {
    return Outcomes.reason(authentication, "authenticated");
  }

  @Test
  void aTokenOfExactlyTheLimit_isRead_oneCharacterMore_isTooLarge() {
    assertThat(reason(check("x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS)))).isEqualTo("malformed-token");
    assertThat(reason(check("x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS + 1)))).isEqualTo("token-too-large");
  }

  @Test
  void theWorkloadsOwnWorkspace_vouchesFirst_whenAnotherTrustsTheSameIssuer() throws Exception {
    IssuerEntry shared = new IssuerEntry(TestIssuer.ISSUER, TestIssuer.JWKS, Set.of("gantry"));
    Map<String, WorkspaceEntry> workspaces = new LinkedHashMap<>();
    workspaces.put("first", new WorkspaceEntry("first", List.of(shared)));
    workspaces.put("demo", new WorkspaceEntry("demo", List.of(shared)));
    String token = issuer.rs256(c -> c);

    assertThat(Outcomes.principal(authenticator.authenticate(token, "demo", workspaces)).workspace()).isEqualTo("demo");
    assertThat(Outcomes.principal(authenticator.authenticate(token, "first", workspaces)).workspace()).isEqualTo("first");
  }

  @Test
  void aTokenWithoutSubject_hasAnEmptyOne_andScpListsScopesBesideOrInsteadOfScope() throws Exception {
    Principal both = Outcomes.principal(check(issuer.rs256(c -> c.subject(null).claim("scp", List.of("sbx:exec")))));
    assertThat(both.subject()).isEqualTo("");
    assertThat(both.scopes()).containsExactlyInAnyOrder("agt:invoke", "mcp:call", "sbx:exec");

    Principal scpOnly = Outcomes.principal(check(issuer.rs256(c -> c.claim("scope", null).claim("scp", List.of("agt:invoke")))));
    assertThat(scpOnly.scopes()).containsExactly("agt:invoke");
  }

  @Test
  void aTokenNamingNoKey_orAnEmptyOne_isRefusedAsMissingItsKid() throws Exception {
    for (String kid : new String[] {null, ""}) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), TestIssuer.claims().build());
      jwt.sign(new RSASSASigner(issuer.rsa));
      assertThat(reason(check(jwt.serialize()))).as("kid " + kid).isEqualTo("missing-kid");
    }
  }

  @Test
  void claimsThatAreNotAJsonObject_areMalformed() {
    String header = Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"" + issuer.rsa.getKeyID() + "\"}").toString();
    String payload = Base64URL.encode("not a claims set").toString();
    String signature = Base64URL.encode(new byte[256]).toString();

    Authentication result = check(header + "." + payload + "." + signature);

    assertThat(result).isInstanceOfSatisfying(Authentication.Refused.class, refused -> {
      assertThat(refused.reason()).isEqualTo("malformed-token");
      assertThat(refused.message()).contains("claims");
    });
  }

  @Test
  void anEd25519TokenWithAnotherPayload_doesNotVerify() throws Exception {
    String[] parts = issuer.eddsa().split("\\.");
    String forged = Base64URL.encode(TestIssuer.claims().subject("admin").build().toString()).toString();

    assertThat(reason(check(parts[0] + "." + parts[1] + "." + parts[2]))).isEqualTo("authenticated");
    assertThat(reason(check(parts[0] + "." + forged + "." + parts[2]))).isEqualTo("bad-signature");
  }

  @Test
  void aKeyOfAnotherKindThanTheTokensAlgorithm_neverVerifiesIt() throws Exception {
    SignedJWT es256UnderRsaKid = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuer.rsa.getKeyID()).build(), TestIssuer.claims().build());
    es256UnderRsaKid.sign(new ECDSASigner(issuer.ec));
    SignedJWT rs256UnderEcKid = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.ec.getKeyID()).build(), TestIssuer.claims().build());
    rs256UnderEcKid.sign(new RSASSASigner(issuer.rsa));

    for (SignedJWT jwt : List.of(es256UnderRsaKid, rs256UnderEcKid)) {
      assertThat(reason(check(jwt.serialize()))).as(jwt.getHeader().toString()).isEqualTo("bad-signature");
    }
  }

  @Test
  void aKeyThatCannotVerifyAnything_failsClosed() throws Exception {
    // An RSA modulus of 256 bits and an Ed25519 key of 16 octets: verifying with either throws.
    RSAKey tinyRsa = new RSAKey.Builder(Base64URL.encode(BigInteger.ONE.shiftLeft(255).add(BigInteger.ONE)),
        Base64URL.encode(BigInteger.valueOf(65_537))).keyID(issuer.rsa.getKeyID()).build();
    OctetKeyPair shortEd = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(new byte[16]))
        .keyID(issuer.ed.getKeyID()).build();
    Map<String, JWK> broken = Map.of(tinyRsa.getKeyID(), tinyRsa, shortEd.getKeyID(), shortEd);
    JwtAuthenticator withBrokenKeys = new JwtAuthenticator((uri, kid) -> broken.get(kid), new VerifiedTokens(100), clock);

    for (String token : List.of(issuer.rs256(c -> c), issuer.eddsa())) {
      assertThat(reason(withBrokenKeys.authenticate(token, "demo", TestIssuer.workspaces()))).isEqualTo("bad-signature");
    }
  }

  @Test
  void anUntrustedIssuer_isNamedInTheRefusal_clippedPast80Characters_andAMissingOneIsNamedNone() throws Exception {
    Authentication none = check(issuer.rs256(c -> c.issuer(null)));
    assertThat(reason(none)).isEqualTo("unknown-issuer");
    assertThat(Outcomes.message(none)).contains("issuer '(none)'");

    String eighty = "https://" + "a".repeat(72);
    assertThat(Outcomes.message(check(issuer.rs256(c -> c.issuer(eighty))))).contains("issuer '" + eighty + "'");

    String longer = eighty + "b";
    assertThat(Outcomes.message(check(issuer.rs256(c -> c.issuer(longer)))))
        .contains("issuer '" + longer.substring(0, 77) + "...'")
        .doesNotContain(longer);
  }

  @Test
  void tokensOfAnotherShape_keepTheParsersReason_onlyThreeFullPartsAreHeldToTheSpelling() throws Exception {
    String payload = issuer.rs256(c -> c).split("\\.")[1];

    String none = Base64URL.encode("{\"alg\":\"none\"}").toString();
    assertThat(reason(check(none + "=." + payload + "."))).as("no signature part").isEqualTo("unsigned-token");

    String jwe = Base64URL.encode("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}").toString();
    assertThat(reason(check(jwe + ".AAAA.AAAA.AAAA.AAAA"))).as("five parts: encrypted").isEqualTo("unsigned-token");

    assertThat(reason(check("." + payload + ".e30="))).as("three parts, an empty header").isEqualTo("non-canonical-token");
  }

  @Test
  void aCachedToken_isAcceptedAfterOneKeyLookup_confirmingItsKeyStillStands() throws Exception {
    String token = issuer.rs256(c -> c);
    assertThat(reason(check(token))).isEqualTo("authenticated");
    int before = issuer.lookups.get();

    assertThat(reason(check(token))).isEqualTo("authenticated");

    assertThat(issuer.lookups.get() - before).as("its key looked up once: still in the set, the same key").isEqualTo(1);
  }

  @Test
  void aLookupThatNeverRefreshes_isDoneRefreshingAtOnce() {
    KeyLookup lookup = (uri, kid) -> null;

    assertThat(lookup.refreshing()).isDone();
  }
}
