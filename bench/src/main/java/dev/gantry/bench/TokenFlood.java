package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.gantry.authz.credential.Authentication;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A flood of distinct valid tokens against the verified-token cache as the sidecar builds it
 * (the real {@link JwtAuthenticator} and {@link VerifiedTokens}, the sidecar's capacity), with
 * steady traffic interleaved: {@code --flood-per-steady} flood tokens before each steady check,
 * so that between two uses of one steady token more distinct tokens pass than the cache holds
 * (1,000 steady tokens × 201 > 100,000): a cache that keeps what was used last (LRU) would have
 * dropped it every time; one that weighs how often a token is used keeps it. The steady tokens'
 * hit rate and cost per check before, during and after the flood. Ed25519 tokens, so minting
 * the flood is quick; the flood's own checks each verify a signature, as an attacker's would.
 */
@Command(name = "token-flood", mixinStandardHelpOptions = true,
    description = "Distinct valid tokens flooding the verified-token cache, steady traffic meanwhile.")
final class TokenFlood implements Callable<Integer> {

  private static final String ISSUER = "https://issuer.bench";

  @Option(names = "--capacity", defaultValue = "100000", description = "the cache's size (the sidecar's: 100,000)") int capacity;
  @Option(names = "--steady", defaultValue = "1000", description = "distinct tokens of the steady traffic") int steady;
  @Option(names = "--flood", defaultValue = "300000", description = "distinct tokens of the flood") int flood;
  @Option(names = "--flood-per-steady", defaultValue = "200", description = "flood checks before each steady check") int floodPerSteady;
  @Option(names = "--flood-repeats", defaultValue = "1",
      description = "times each flood token is checked in a row (2: every flood token is used again, so it is proven)")
  int floodRepeats;
  @Option(names = "--out") Path out;

  @Override
  public Integer call() throws Exception {
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
    JWK publicKey = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded()))
        .keyID("ed").build();
    Map<String, WorkspaceEntry> workspaces = Map.of("demo", new WorkspaceEntry("demo",
        List.of(new IssuerEntry(ISSUER, java.net.URI.create("https://issuer.bench/jwks.json"), Set.of("gantry"))),
        List.of(), List.of()));
    VerifiedTokens cache = new VerifiedTokens(capacity);
    JwtAuthenticator authenticator = new JwtAuthenticator((uri, kid) -> kid.equals("ed") ? publicKey : null, cache,
        Clock.systemUTC());

    List<String> steadyTokens = mint(key, "steady-", steady);
    System.err.println("token-flood: minting " + flood + " flood tokens");
    List<String> floodTokens = mint(key, "flood-", flood);

    // Warm: the steady traffic alone, twenty rounds (JIT, and the cache learns what is used).
    for (int round = 0; round < 20; round++) {
      for (String token : steadyTokens) {
        check(authenticator, token, workspaces);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("capacity", capacity);
    result.put("steady_tokens", steady);
    result.put("flood_tokens", flood);
    result.put("flood_per_steady", floodPerSteady);
    result.put("flood_repeats", floodRepeats);
    result.put("distinct_tokens_between_two_uses_of_a_steady_token", (long) steady * (floodPerSteady + 1));
    int lookups = flood / floodPerSteady;
    result.put("before", phase(authenticator, cache, workspaces, steadyTokens, null, 0, 1, lookups));
    result.put("during_flood",
        phase(authenticator, cache, workspaces, steadyTokens, floodTokens, floodPerSteady, floodRepeats, lookups));
    result.put("after", phase(authenticator, cache, workspaces, steadyTokens, null, 0, 1, lookups));
    String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
    System.out.println(json);
    if (out != null) {
      Files.writeString(out, json);
    }
    return 0;
  }

  /**
   * {@code lookups} steady checks, each after {@code floodPerSteady} flood tokens when {@code
   * floodTokens} is given, each of those checked {@code repeats} times in a row.
   */
  private static Map<String, Object> phase(JwtAuthenticator authenticator, VerifiedTokens cache,
      Map<String, WorkspaceEntry> workspaces, List<String> steadyTokens, List<String> floodTokens, int floodPerSteady,
      int repeats, int lookups) {
    long[] steadyNanos = new long[lookups];
    long floodNanos = 0;
    VerifiedTokens.Stats before = cache.stats();
    int floodChecks = 0;
    long hits = 0;
    for (int i = 0; i < lookups; i++) {
      for (int f = 0; floodTokens != null && f < floodPerSteady; f++) {
        String token = floodTokens.get(floodChecks / repeats);
        for (int r = 0; r < repeats; r++) {
          long start = System.nanoTime();
          check(authenticator, token, workspaces); // the first check of each a miss; a repeat a hit
          floodNanos += System.nanoTime() - start;
          floodChecks++;
        }
      }
      long hitsBefore = cache.hitCount();
      long start = System.nanoTime();
      check(authenticator, steadyTokens.get(i % steadyTokens.size()), workspaces);
      steadyNanos[i] = System.nanoTime() - start;
      hits += cache.hitCount() - hitsBefore;
    }
    VerifiedTokens.Stats after = cache.stats();
    Arrays.sort(steadyNanos);
    Map<String, Object> phase = new LinkedHashMap<>();
    phase.put("steady_checks", lookups);
    phase.put("steady_hit_rate", (double) hits / lookups);
    phase.put("steady_misses", lookups - hits);
    phase.put("flood_checks", floodChecks);
    phase.put("flood_misses_counted_by_the_cache", after.misses() - before.misses() - (lookups - hits));
    phase.put("flood_hits_counted_by_the_cache", after.hits() - before.hits() - hits);
    phase.put("steady_us_p50", steadyNanos[lookups / 2] / 1000.0);
    phase.put("steady_us_p99", steadyNanos[(int) (lookups * 0.99)] / 1000.0);
    phase.put("flood_us_mean", floodChecks == 0 ? 0 : floodNanos / 1000.0 / floodChecks);
    phase.put("cache_size_after", after.size());
    return phase;
  }

  private static void check(JwtAuthenticator authenticator, String token, Map<String, WorkspaceEntry> workspaces) {
    if (!(authenticator.authenticate(token, "demo", workspaces) instanceof Authentication.Authenticated)) {
      throw new IllegalStateException("a valid bench token was refused: " + authenticator.authenticate(token, "demo", workspaces));
    }
  }

  private static List<String> mint(Ed25519PrivateKeyParameters key, String prefix, int count) {
    String header = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed\"}").toString();
    long exp = System.currentTimeMillis() / 1000 + 3600;
    List<String> tokens = new ArrayList<>(count);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    for (int i = 0; i < count; i++) {
      String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + prefix + i + "\",\"aud\":\"gantry\",\"exp\":" + exp + "}";
      String signingInput = header + "." + Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8));
      byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
      signer.update(input, 0, input.length);
      tokens.add(signingInput + "." + Base64URL.encode(signer.generateSignature()));
    }
    return tokens;
  }
}
