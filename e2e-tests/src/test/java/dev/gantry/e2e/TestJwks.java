package dev.gantry.e2e;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An issuer for end-to-end tests: a JWKS served over real HTTP on loopback (counting its
 * requests, and able to go down), and tokens for workspace {@code w} with issuer
 * {@code https://issuer.test/w}.
 */
final class TestJwks implements AutoCloseable {

  static final String ISSUER_BASE = "https://issuer.test/";

  final RSAKey key;
  /**
   * Keys the set also publishes that may not verify tokens, by kid: one for encryption, one of
   * 1,024 bits, one declaring another algorithm. The sidecar drops them when it loads the set.
   */
  final java.util.Map<String, RSAKey> unusable = new java.util.LinkedHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;

  TestJwks() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("e2e-1").generate();
    unusable.put("e2e-enc", new RSAKeyGenerator(2048).keyID("e2e-enc").keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).generate());
    unusable.put("e2e-1024", new RSAKeyGenerator(1024, true).keyID("e2e-1024").generate());
    unusable.put("e2e-ps256", new RSAKeyGenerator(2048).keyID("e2e-ps256").algorithm(JWSAlgorithm.PS256).generate());
    java.util.List<com.nimbusds.jose.jwk.JWK> published = new java.util.ArrayList<>(java.util.List.of(key.toPublicJWK()));
    unusable.values().forEach(k -> published.add(k.toPublicJWK()));
    byte[] jwks = new JWKSet(published).toString().getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/jwks.json", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, jwks.length);
      exchange.getResponseBody().write(jwks);
      exchange.close();
    });
    server.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
  }

  /** A token of {@code workspace}, valid for 10 minutes, scope agt:invoke. */
  String token(String workspace) throws Exception {
    return token(workspace, c -> c);
  }

  String token(String workspace, UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    return token(workspace, key.getKeyID(), edit);
  }

  String token(String workspace, String kid, UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER_BASE + workspace)
        .audience("gantry")
        .subject("e2e-user")
        .jwtID(UUID.randomUUID().toString())
        .claim("scope", "agt:invoke")
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), edit.apply(claims).build());
    jwt.sign(new RSASSASigner(unusable.getOrDefault(kid, key).toPrivateKey(), true));   // true: the 1,024-bit key too
    return jwt.serialize();
  }

  /** The issuer goes down: its JWKS endpoint stops answering. */
  @Override
  public void close() {
    server.stop(0);
  }
}
