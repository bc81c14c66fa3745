package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.SigningKeys;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.TestSigner;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.engine.Snapshots;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.SigningKeyEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.authz.snapshot.SnapshotStore;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random Check requests — hostnames, headers and bodies built from pieces of every credential
 * kind (JWTs, API keys, RFC 9421 signatures with out-of-range times, content digests), valid
 * ones mutated and garbage — on both listeners: every one must be answered with a decision, never
 * an error. An error means Envoy answers 503 {@code authz-unavailable} and a peer gateway's
 * health suffers, so bad input that causes one is a way to take a route down.
 *
 * <p>Seeded, so a failure is reproducible: the seed and the request are in the message.
 */
class CheckFuzzTest {

  private static final long SEED = 20261130L;
  private static final int REQUESTS = 20_000;

  @Test
  void noRequest_makesTheCheckFail() throws Exception {
    TestIssuer issuer = new TestIssuer();
    TestSigner signer = TestSigner.ed25519("fuzz-ed");
    SigningKeyEntry signing = SigningKeys.entry("fuzz-ed", "demo", signer.publicJwk(), Set.of("agt:invoke"));
    Map<String, WorkspaceEntry> workspaces = new HashMap<>(TestIssuer.workspaces());
    WorkspaceEntry demo = workspaces.get("demo");
    workspaces.put("demo", demo.withKeys(demo.apiKeys(), List.of(signing)));
    AuthzSnapshot base = Snapshots.demo();
    AuthzSnapshot snapshot = AuthzSnapshot.of(base.version(), base.catalog(), base.baseDomains(), base.workloads(), workspaces);
    SnapshotStore store = new SnapshotStore(s -> {});
    store.swap(snapshot);
    ExtAuthzService service = new ExtAuthzService(store, new DecisionEngine("eu-lon-1",
        new JwtAuthenticator(issuer.lookup(), new VerifiedTokens(1000), Clock.systemUTC()),
        new ApiKeyAuthenticator(Clock.systemUTC()), new MessageSignatures(Clock.systemUTC()), Clock.systemUTC()));

    Random random = new Random(SEED);
    Pieces pieces = new Pieces(random, issuer, signer);
    for (int i = 0; i < REQUESTS; i++) {
      CheckRequest request = pieces.request();
      Answer answer = new Answer();
      service.check(request, answer);
      int index = i;
      assertThat(answer.error).as(() -> "request " + index + " (seed " + SEED + ") failed the Check:\n" + request).isNull();
      assertThat(answer.response).isNotNull();
    }
  }

  private static final class Answer implements StreamObserver<CheckResponse> {
    CheckResponse response;
    Throwable error;

    @Override
    public void onNext(CheckResponse value) {
      response = value;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }

  /** Builds requests from pieces that each credential parser meets. */
  private static final class Pieces {
    private final Random random;
    private final List<String> hosts = new ArrayList<>();
    private final List<String> names = List.of("authorization", "x-api-key", "signature", "signature-input", "content-digest",
        "content-length", "transfer-encoding", "via", "x-gantry-credential-kind", "x-gantry-workspace",
        "x-gantry-credential-expires", "x-gantry-entered-at", "x-envoy-upstream-stream-duration-ms", "host", "cookie");
    private final List<String> values = new ArrayList<>();

    Pieces(Random random, TestIssuer issuer, TestSigner signer) throws Exception {
      this.random = random;
      hosts.addAll(List.of("agt-echo-demo.run.localhost", "agt-private-demo.eu-lon-1.run.localhost:10000",
          "agt-multipriv-demo.eu.run.localhost", "agt-far-demo.us-pdx-1.run.localhost", "AGT-Private-Demo.Run.Localhost.",
          "legacy.run.localhost", "agents.acme.example", "xyz-a-b.run.localhost", "agt-.run.localhost", "", ".", "a".repeat(300),
          "agt-private-demo.mars-1.run.localhost", "[::1]:10000", "agt-private-demo.run.localhost:99999999999"));
      long now = System.currentTimeMillis() / 1000;
      String jwt = issuer.rs256(c -> c);
      values.addAll(List.of("Bearer " + jwt, "Bearer " + issuer.es256(), "Bearer " + issuer.eddsa(), "Bearer", "Bearer ",
          "bearer " + jwt.toLowerCase(), "Basic Zm9vOmJhcg==", "gk_", "gk_abc", "gk_abcdefghijkm_secret", "Bearer gk_x_y",
          "sig=(\"@method\" \"@authority\" \"@path\");created=" + now + ";keyid=\"fuzz-ed\";alg=\"ed25519\"",
          "sig=(\"@method\" \"@authority\" \"@path\");created=99999999999999999999;keyid=\"fuzz-ed\"",
          "sig=(\"@method\");created=9223372036854775807;expires=9223372036854775807;keyid=\"fuzz-ed\"",
          "sig=(\"@method\");created=-9223372036854775808;keyid=\"fuzz-ed\"",
          "sig=(\"@method\" \"@path\");created=" + now + ";expires=-1;keyid=\"fuzz-ed\";nonce=\"n\"",
          "sig=(\"@query\" \"content-digest\" \"x\");created=" + now + ";keyid=\"nope\"",
          "sig=(", "sig=()", "=", ";;;", "sig=(\"@method\";created", "sig=:AAAA:", "sig=:!!!:", "sha-256=:AAAA:",
          "sha-512=::", "sha-256=:" + "A".repeat(44) + ":", "-1", "0", "18446744073709551616", "9223372036854775807",
          "-9223372036854775808", "31556889864403200", "chunked",
          "1.1 gantry-eu-lon-1, 1.1 gantry-eu-lon-1", "demo", "jwt", "eu-par-1", "\u0000\u00ff", "%00", "a,b,c"));
      // Valid credentials, one character changed.
      for (int i = 0; i < 20; i++) {
        values.add(mutate("Bearer " + jwt));
      }
    }

    CheckRequest request() {
      AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
          .setHost(random.nextInt(10) == 0 ? garbage() : pick(hosts))
          .setMethod(pick(List.of("GET", "POST", "get", "", "CONNECT", garbage())))
          .setPath(pick(List.of("/", "/a?b=c", "", "?", "/%zz", "/demo/agents/echo/x", garbage())));
      if (random.nextInt(3) == 0) {
        signed(http);
      }
      int headers = random.nextInt(6);
      for (int i = 0; i < headers; i++) {
        String value = random.nextInt(8) == 0 ? garbage() : pick(values);
        http.putHeaders(random.nextInt(12) == 0 ? garbage().toLowerCase() : pick(names), random.nextBoolean() ? value : mutate(value));
      }
      if (random.nextInt(4) == 0) {
        byte[] body = new byte[random.nextInt(64)];
        random.nextBytes(body);
        http.setRawBody(ByteString.copyFrom(body));
      }
      AttributeContext.Builder attributes = AttributeContext.newBuilder()
          .setRequest(AttributeContext.Request.newBuilder().setHttp(http));
      if (random.nextBoolean()) {
        attributes.putContextExtensions("gantry-listener", pick(List.of("public", "internal", garbage())));
      }
      return CheckRequest.newBuilder().setAttributes(attributes).build();
    }

    /** Headers of a signed request that gets past the parser: what follows sees its numbers. */
    private void signed(AttributeContext.HttpRequest.Builder http) {
      long now = System.currentTimeMillis() / 1000;
      long[] times = {now, now - 30, now + 10, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE, now + 1_000_000_000_000L,
          now - 1_000_000_000_000L, random.nextLong(), 31556889864403199L, 31556889864403200L};
      StringBuilder input = new StringBuilder("sig=(\"@method\" \"@authority\" \"@path\"");
      if (random.nextBoolean()) {
        input.append(" \"content-digest\"");
      }
      input.append(");created=").append(times[random.nextInt(times.length)]).append(";keyid=\"")
          .append(random.nextInt(4) == 0 ? "unknown" : "fuzz-ed").append('"');
      if (random.nextBoolean()) {
        input.append(";expires=").append(times[random.nextInt(times.length)]);
      }
      if (random.nextInt(3) == 0) {
        input.append(";nonce=\"").append(random.nextInt(1000)).append('"');
      }
      byte[] signature = new byte[64];
      random.nextBytes(signature);
      http.putHeaders("signature-input", input.toString())
          .putHeaders("signature", "sig=:" + java.util.Base64.getEncoder().encodeToString(signature) + ":");
      if (random.nextBoolean()) {
        http.putHeaders("content-digest", pick(values));
      }
    }

    private String pick(List<String> options) {
      return options.get(random.nextInt(options.size()));
    }

    private String garbage() {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f)));
      }
      return text.toString();
    }

    private String mutate(String value) {
      if (value.isEmpty()) {
        return garbage();
      }
      char[] chars = value.toCharArray();
      chars[random.nextInt(chars.length)] = (char) (0x20 + random.nextInt(0x5f));
      return new String(chars);
    }
  }
}
