package dev.gantry.bench.jmh;

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
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.authz.model.ApiKeyEntry;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.SigningKeys;
import dev.gantry.routing.Region;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The decision inside the authz-service, without gRPC: what one Check costs the sidecar's CPU.
 * Cached: the token was verified before. First-seen: every call verifies a signature (two
 * tokens alternate through a one-entry cache, so neither is ever remembered).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {

  private static final String ISSUER = "https://issuer.bench.test/demo";
  private static final URI JWKS = URI.create("https://issuer.bench.test/jwks.json");

  private AuthzSnapshot snapshot;
  private DecisionEngine cachedEngine;
  private DecisionEngine uncachedEngine;
  private RequestFacts publicRequest;
  private RequestFacts cachedRequest;
  private RequestFacts[] rs256;
  private RequestFacts[] es256;
  private RequestFacts[] eddsa;
  private RequestFacts apiKeyRequest;
  private RequestFacts signedEd25519Request;
  private RequestFacts signedP256Request;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    Ed25519PrivateKeyParameters edPrivate = new Ed25519PrivateKeyParameters(new SecureRandom());
    OctetKeyPair ed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(edPrivate.generatePublicKey().getEncoded()))
        .keyID("ed").build();
    Map<String, JWK> keys = Map.of("rsa", rsa.toPublicJWK(), "ec", ec.toPublicJWK(), "ed", ed.toPublicJWK());

    RegionCatalog catalog = new RegionCatalog(List.of(new Region("eu-lon-1", "GB", "EU", 51.5, -0.1)), Map.of());
    WorkloadId publicId = WorkloadId.parse("agt-echo-demo");
    WorkloadId privateId = WorkloadId.parse("agt-private-demo");
    snapshot = AuthzSnapshot.of(1, catalog, Set.of("run.localhost"),
        Map.of(publicId, new WorkloadEntry(publicId, true, Set.of("eu-lon-1")),
            privateId, new WorkloadEntry(privateId, false, Set.of("eu-lon-1"))),
        Map.of("demo", new WorkspaceEntry("demo", List.of(new IssuerEntry(ISSUER, JWKS, Set.of("gantry"))),
            List.of(new ApiKeyEntry("benchkey0001", "demo",
                java.security.MessageDigest.getInstance("SHA-256").digest("s3cr3t-bench-secret-of-forty-three-chars-xx".getBytes(StandardCharsets.US_ASCII)),
                Set.of("agt:invoke"), "bench", null, false)),
            List.of(SigningKeys.entry("bench-ed", "demo", ed.toPublicJWK().toJSONString(), Set.of("agt:invoke")),
                SigningKeys.entry("bench-ec", "demo", ec.toPublicJWK().toJSONString(), Set.of("agt:invoke"))))));
    cachedEngine = new DecisionEngine("eu-lon-1",
        new JwtAuthenticator((uri, kid) -> keys.get(kid), new VerifiedTokens(10_000), Clock.systemUTC()));
    uncachedEngine = new DecisionEngine("eu-lon-1",
        new JwtAuthenticator((uri, kid) -> keys.get(kid), new VerifiedTokens(0), Clock.systemUTC()));

    publicRequest = request("agt-echo-demo.eu-lon-1.run.localhost:10000", null);
    cachedRequest = request("agt-private-demo.eu-lon-1.run.localhost:10000", rs256(rsa));
    rs256 = new RequestFacts[] {request("agt-private-demo.run.localhost", rs256(rsa)), request("agt-private-demo.run.localhost", rs256(rsa))};
    es256 = new RequestFacts[] {request("agt-private-demo.run.localhost", es256(ec)), request("agt-private-demo.run.localhost", es256(ec))};
    eddsa = new RequestFacts[] {request("agt-private-demo.run.localhost", eddsa(edPrivate)), request("agt-private-demo.run.localhost", eddsa(edPrivate))};
    apiKeyRequest = new RequestFacts("agt-private-demo.run.localhost", "GET", "/bench",
        Map.of("user-agent", "bench", "accept", "*/*", "x-api-key", "gk_benchkey0001_s3cr3t-bench-secret-of-forty-three-chars-xx"));
    signedEd25519Request = signed("bench-ed", "ed25519", base -> {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, edPrivate);
      signer.update(base, 0, base.length);
      return signer.generateSignature();
    });
    signedP256Request = signed("bench-ec", "ecdsa-p256-sha256", base -> {
      java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(ec.toECPrivateKey());
      signer.update(base);
      return signer.sign();
    });
    for (RequestFacts r : List.of(publicRequest, cachedRequest, rs256[0], es256[0], eddsa[0], apiKeyRequest,
        signedEd25519Request, signedP256Request)) {
      if (!(cachedEngine.decide(snapshot, r) instanceof Decision.Allow)) {
        throw new IllegalStateException("fixture request not allowed: " + r.authority());
      }
    }
  }

  @Benchmark
  public Decision publicWorkload() {
    return cachedEngine.decide(snapshot, publicRequest);
  }

  @Benchmark
  public Decision cachedJwt() {
    return cachedEngine.decide(snapshot, cachedRequest);
  }

  @Benchmark
  public Decision firstSeenRs256() {
    return uncachedEngine.decide(snapshot, rs256[next++ & 1]);
  }

  @Benchmark
  public Decision firstSeenEs256() {
    return uncachedEngine.decide(snapshot, es256[next++ & 1]);
  }

  @Benchmark
  public Decision firstSeenEd25519() {
    return uncachedEngine.decide(snapshot, eddsa[next++ & 1]);
  }

  @Benchmark
  public Decision apiKey() {
    return cachedEngine.decide(snapshot, apiKeyRequest);
  }

  @Benchmark
  public Decision signedEd25519() {
    return cachedEngine.decide(snapshot, signedEd25519Request);
  }

  @Benchmark
  public Decision signedP256() {
    return cachedEngine.decide(snapshot, signedP256Request);
  }

  private interface Signer {
    byte[] sign(byte[] base) throws Exception;
  }

  /** A GET signed as RFC 9421 says (created now: the trial ends well within the 60 s window). */
  private static RequestFacts signed(String keyId, String alg, Signer signer) throws Exception {
    String host = "agt-private-demo.run.localhost";
    String params = "(\"@method\" \"@authority\" \"@path\");created=" + Instant.now().getEpochSecond()
        + ";keyid=\"" + keyId + "\";alg=\"" + alg + "\"";
    String base = "\"@method\": GET\n\"@authority\": " + host + "\n\"@path\": /bench\n\"@signature-params\": " + params;
    String signature = java.util.Base64.getEncoder().encodeToString(signer.sign(base.getBytes(StandardCharsets.UTF_8)));
    return new RequestFacts(host, "GET", "/bench", Map.of("user-agent", "bench", "accept", "*/*",
        "signature-input", "sig1=" + params, "signature", "sig1=:" + signature + ":"));
  }

  private static RequestFacts request(String host, String token) {
    Map<String, String> headers = token == null
        ? Map.of(":authority", host, "user-agent", "bench", "accept", "*/*")
        : Map.of(":authority", host, "user-agent", "bench", "accept", "*/*", "authorization", "Bearer " + token);
    return new RequestFacts(host, "GET", "/bench", headers);
  }

  private static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience("gantry").subject("bench")
        .jwtID(UUID.randomUUID().toString()).claim("scope", "agt:invoke")
        .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
  }

  private static String rs256(RSAKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa").build(), claims());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String es256(ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec").build(), claims());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static String eddsa(Ed25519PrivateKeyParameters key) {
    String signingInput = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed\"}") + "." + Base64URL.encode(claims().toString());
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(input, 0, input.length);
    return signingInput + "." + Base64URL.encode(signer.generateSignature());
  }
}
