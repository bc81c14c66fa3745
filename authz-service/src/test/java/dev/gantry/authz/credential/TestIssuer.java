package dev.gantry.authz.credential;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A JWT issuer for tests, written by hand: RSA, P-256 and Ed25519 keys, tokens signed with
 * them, and the workspaces that trust it ({@code demo}) and another issuer ({@code other}).
 */
public final class TestIssuer {

  public static final String ISSUER = "https://issuer.demo.test";
  public static final String OTHER_ISSUER = "https://issuer.other.test";
  public static final URI JWKS = URI.create("https://issuer.demo.test/jwks.json");
  public static final URI OTHER_JWKS = URI.create("https://issuer.other.test/jwks.json");

  public final RSAKey rsa;
  public final ECKey ec;
  public final OctetKeyPair ed;
  public final RSAKey otherRsa;
  private final Ed25519PrivateKeyParameters edPrivate;
  /** How often a key was looked up: the verified-token cache saves lookups. */
  public final AtomicInteger lookups = new AtomicInteger();

  public TestIssuer() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    edPrivate = new Ed25519PrivateKeyParameters(new SecureRandom());
    ed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(edPrivate.generatePublicKey().getEncoded()))
        .keyID("ed-1").build();
    otherRsa = new RSAKeyGenerator(2048).keyID("other-1").generate();
  }

  /** Keys by key set, as a {@link KeyLookup} answering from memory. */
  public KeyLookup lookup() {
    Map<URI, List<JWK>> sets = Map.of(
        JWKS, List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK()),
        OTHER_JWKS, List.of(otherRsa.toPublicJWK()));
    return (uri, kid) -> {
      lookups.incrementAndGet();
      return sets.getOrDefault(uri, List.of()).stream().filter(k -> kid.equals(k.getKeyID())).findFirst().orElse(null);
    };
  }

  /** Workspace demo trusts this issuer; workspace other trusts another. */
  public static Map<String, WorkspaceEntry> workspaces() {
    return Map.of(
        "demo", new WorkspaceEntry("demo", List.of(new IssuerEntry(ISSUER, JWKS, Set.of("gantry")))),
        "other", new WorkspaceEntry("other", List.of(new IssuerEntry(OTHER_ISSUER, OTHER_JWKS, Set.of("gantry")))));
  }

  /** Valid claims: this issuer, audience gantry, subject alice, scope agt:invoke, 10 minutes left. */
  public static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience("gantry")
        .subject("alice")
        .jwtID("token-1")
        .claim("scope", "agt:invoke mcp:call")
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
  }

  public String rs256(UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), edit.apply(claims()).build());
    jwt.sign(new RSASSASigner(rsa));
    return jwt.serialize();
  }

  public String otherRs256() throws Exception {
    return otherRs256(c -> c);
  }

  /** A token of the other issuer (workspace other's), its claims edited. */
  public String otherRs256(UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(otherRsa.getKeyID()).build(),
        edit.apply(claims().issuer(OTHER_ISSUER)).build());
    jwt.sign(new RSASSASigner(otherRsa));
    return jwt.serialize();
  }

  public String es256() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims().build());
    jwt.sign(new ECDSASigner(ec));
    return jwt.serialize();
  }

  /** EdDSA signed with BouncyCastle directly (nimbus signs Ed25519 only with Tink). */
  public String eddsa() {
    String header = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"" + ed.getKeyID() + "\"}").toString();
    String payload = Base64URL.encode(claims().build().toString()).toString();
    byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, edPrivate);
    signer.update(input, 0, input.length);
    return header + "." + payload + "." + Base64URL.encode(signer.generateSignature());
  }
}
