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
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;

  TestJwks() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("e2e-1").generate();
    byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
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
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** The issuer goes down: its JWKS endpoint stops answering. */
  @Override
  public void close() {
    server.stop(0);
  }
}
