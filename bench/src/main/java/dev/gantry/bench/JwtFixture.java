package dev.gantry.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the credential every setup of a run uses: an RS256 key, its JWKS, and one JWT, so
 * Envoy's {@code jwt_authn} and Gantry check the very same token.
 */
@Command(name = "jwt", mixinStandardHelpOptions = true, description = "Write jwks.json, token.jwt and claims.txt into --dir.")
final class JwtFixture implements Callable<Integer> {

  static final String ISSUER = "https://issuer.bench.gantry.local";
  static final String AUDIENCE = "gantry";

  @Option(names = "--dir", required = true, description = "where to write the files")
  Path dir;

  @Override
  public Integer call() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("bench-client")
        .claim("scope", "agt:invoke")
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(12))))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
    Files.writeString(dir.resolve("token.jwt"), jwt.serialize());
    Files.writeString(dir.resolve("claims.txt"), "issuer=" + ISSUER + "\naudience=" + AUDIENCE + "\n");
    return 0;
  }
}
