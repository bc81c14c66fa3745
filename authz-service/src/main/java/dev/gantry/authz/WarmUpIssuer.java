package dev.gantry.authz;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The warm-up's own issuer ({@link CheckWarmUp}): an RS256 key made at start and never
 * published, a workspace that trusts it, a private workload of that workspace in the sidecar's
 * region, and tokens for it. It lives in the warm-up's copy of the snapshot only.
 */
final class WarmUpIssuer {

  static final String WORKSPACE = "gantrywarmup";
  static final WorkloadId WORKLOAD = WorkloadId.parse("agt-warmup-" + WORKSPACE);
  private static final URI JWKS = URI.create("https://warm-up.gantry.invalid/jwks.json");
  private static final String ISSUER = "https://warm-up.gantry.invalid";
  private static final String AUDIENCE = "gantry-warm-up";
  /** Distinct tokens: each is verified once (a token never seen), then taken from the cache. */
  private static final int TOKENS = 64;

  private final RSAKey key;
  private final JWK publicKey;
  private final Clock clock;

  private WarmUpIssuer(RSAKey key, Clock clock) {
    this.key = key;
    this.publicKey = key.toPublicJWK();
    this.clock = clock;
  }

  static WarmUpIssuer create(Clock clock) {
    try {
      return new WarmUpIssuer(new RSAKeyGenerator(2048).keyID("gantry-warm-up").algorithm(JWSAlgorithm.RS256).generate(),
          clock);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not make the warm-up's key", e);
    }
  }

  /** The warm-up's key lookup: its own key, nothing else, and never a fetch. */
  JWK find(URI jwksUri, String kid) {
    return JWKS.equals(jwksUri) && publicKey.getKeyID().equals(kid) ? publicKey : null;
  }

  /** {@code snapshot} with the warm-up's workspace and its private workload (in {@code region}) added. */
  AuthzSnapshot addTo(AuthzSnapshot snapshot, String region) {
    Map<String, WorkspaceEntry> workspaces = new HashMap<>(snapshot.workspaces());
    workspaces.put(WORKSPACE, new WorkspaceEntry(WORKSPACE, List.of(new IssuerEntry(ISSUER, JWKS, Set.of(AUDIENCE)))));
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(snapshot.workloads());
    workloads.put(WORKLOAD, new WorkloadEntry(WORKLOAD, false, Set.of(region)));
    return new AuthzSnapshot(snapshot.version(), snapshot.catalog(), snapshot.baseDomains(), snapshot.grammar(),
        workloads, workspaces, snapshot.names(), snapshot.apiKeys(), snapshot.signingKeys());
  }

  /** Checks for the warm-up's workload at {@code host}, each with one of its tokens. */
  List<CheckRequest> requests(String host) {
    List<CheckRequest> requests = new ArrayList<>();
    for (int i = 0; i < TOKENS; i++) {
      requests.add(CheckWarmUp.check(host, Map.of("authorization", "Bearer " + token(i))));
    }
    return requests;
  }

  private String token(int i) {
    Date now = Date.from(clock.instant());
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER).audience(AUDIENCE).subject("warm-up").jwtID("warm-up-" + i)
        .issueTime(now).expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1))))
        .claim("scope", WORKLOAD.product().scope())
        .build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a warm-up token", e);
    }
  }
}
