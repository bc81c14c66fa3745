package dev.gantry.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * The local stack's token issuer: one RSA key kept in a file (created on first use), a JWKS
 * that the authz-services fetch over HTTP like any issuer's, and tokens for any workspace. The
 * issuer of workspace {@code w}'s tokens is {@code <base>/w}, which is what the demo seed makes
 * workspace {@code w} trust. For local use only: the key sits in a plain file.
 */
public final class DemoIssuer {

  private final RSAKey key;
  private final String base;

  private DemoIssuer(RSAKey key, String base) {
    this.key = key;
    this.base = base;
  }

  /** The issuer whose key is in {@code keyFile}, creating the key when the file does not exist. */
  public static DemoIssuer load(Path keyFile, String base) throws IOException {
    try {
      if (Files.exists(keyFile)) {
        return new DemoIssuer(RSAKey.parse(Files.readString(keyFile)), base);
      }
      RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyID("demo-" + UUID.randomUUID().toString().substring(0, 8)).generate();
      Files.createDirectories(keyFile.getParent());
      Files.writeString(keyFile, key.toJSONString());
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      return new DemoIssuer(key, base);
    } catch (ParseException | JOSEException e) {
      throw new IOException(keyFile + ": not a usable RSA key (" + e.getMessage() + "); delete it to make a new one", e);
    }
  }

  /** The public key set, as served at {@code /jwks.json}. */
  public String jwks() {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  /** The {@code iss} of workspace {@code workspace}'s tokens. */
  public String issuerOf(String workspace) {
    return base + "/" + workspace;
  }

  /** A token for {@code workspace}, audience {@code gantry} (the agent API). */
  public String token(String workspace, String subject, String scope, Duration ttl) throws JOSEException {
    return token(workspace, subject, scope, ttl, "gantry");
  }

  /** A token for {@code workspace} whose {@code aud} is {@code audience}: an MCP server's URL, or {@code gantry}. */
  public String token(String workspace, String subject, String scope, Duration ttl, String audience)
      throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuerOf(workspace))
        .audience(audience)
        .subject(subject)
        .claim("scope", scope)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** Whether {@code resource} can be a resource indicator (RFC 8707 §2): an absolute http(s) URL without fragment. */
  public static boolean isResourceUri(String resource) {
    try {
      java.net.URI uri = new java.net.URI(resource);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
