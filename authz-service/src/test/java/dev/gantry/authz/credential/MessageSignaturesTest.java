package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.SigningKeyEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MessageSignaturesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String HOST = "agt-private-demo.run.localhost:10000";
  private static TestSigner ed;
  private static TestSigner ec;
  private static Map<String, SigningKeyEntry> keys;
  private final MessageSignatures signatures = new MessageSignatures(Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeAll
  static void keys() throws Exception {
    ed = TestSigner.ed25519("ed-1");
    ec = TestSigner.p256("ec-1");
    keys = Map.of(
        "ed-1", SigningKeys.entry("ed-1", "demo", ed.publicJwk(), Set.of("agt:invoke")),
        "ec-1", SigningKeys.entry("ec-1", "demo", ec.publicJwk(), Set.of("agt:invoke")));
  }

  /** The headers of a request signed by {@code signer} over the required components only, created now. */
  private static Map<String, String> signedMinimal(TestSigner signer, String method, String path, String extra)
      throws Exception {
    return signer.sign(List.of("@method", "@authority", "@path"), List.of(method, HOST, path),
        params(signer, NOW.getEpochSecond(), extra));
  }

  private static String params(TestSigner signer, long created, String extra) {
    return ";created=" + created + ";keyid=\"" + signer.keyId + "\";alg=\"" + signer.alg + "\"" + extra;
  }

  private Authentication verify(TestSigner signer, String method, String path, long created, String extra,
      Map<String, String> more, byte[] body) throws Exception {
    String signedPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    List<String> components = new java.util.ArrayList<>(List.of("@method", "@authority", "@path"));
    List<String> values = new java.util.ArrayList<>(List.of(method, HOST, signedPath));
    if (path.contains("?")) {
      components.add("@query");
      values.add(path.substring(path.indexOf('?')));
    }
    more.forEach((name, value) -> {
      components.add(name);
      values.add(value);
    });
    Map<String, String> headers = new HashMap<>(signer.sign(components, values, params(signer, created, extra)));
    headers.putAll(more);
    return signatures.verify(new RequestFacts(HOST, method, path, headers, RequestFacts.Listener.PUBLIC, body), keys, body);
  }

  private Authentication verify(TestSigner signer, long created) throws Exception {
    return verify(signer, "GET", "/a/b?c=d", created, "", Map.of(), new byte[0]);
  }

  private static String reason(Authentication authentication) {
    return authentication instanceof Authentication.Refused refused ? refused.reason() : "allowed";
  }

  @Test
  void ed25519AndP256_signaturesVerify_asTheirWorkspace() throws Exception {
    for (TestSigner signer : List.of(ed, ec)) {
      Authentication result = verify(signer, NOW.getEpochSecond());
      assertThat(result).as(signer.alg).isInstanceOf(Authentication.Authenticated.class);
      Principal principal = ((Authentication.Authenticated) result).principal();
      assertThat(principal.workspace()).isEqualTo("demo");
      assertThat(principal.kind()).isEqualTo("signature");
      assertThat(principal.credentialId()).isEqualTo(signer.keyId);
    }
  }

  @Test
  void staleOrFutureCreated_isRefused() throws Exception {
    assertThat(reason(verify(ed, NOW.minusSeconds(61).getEpochSecond()))).isEqualTo("signature-stale");
    assertThat(reason(verify(ed, NOW.minusSeconds(59).getEpochSecond()))).isEqualTo("allowed");
    assertThat(reason(verify(ed, NOW.plusSeconds(120).getEpochSecond()))).isEqualTo("signature-from-future");
    assertThat(reason(verify(ed, "GET", "/", NOW.getEpochSecond(), ";expires=" + NOW.minusSeconds(1).getEpochSecond(),
        Map.of(), new byte[0]))).isEqualTo("signature-expired");
  }

  @Test
  void signatureOverAnotherPathOrMethod_doesNotVerify() throws Exception {
    Map<String, String> headers = new HashMap<>(signedMinimal(ed, "GET", "/a", ""));
    for (RequestFacts other : List.of(
        new RequestFacts(HOST, "GET", "/b", headers),
        new RequestFacts(HOST, "POST", "/a", headers),
        new RequestFacts("other.run.localhost", "GET", "/a", headers))) {
      assertThat(reason(signatures.verify(other, keys, new byte[0]))).isEqualTo("bad-signature");
    }
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/a", headers), keys, new byte[0]))).isEqualTo("allowed");
  }

  @Test
  void bodies_needASignedMatchingContentDigest() throws Exception {
    byte[] body = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
    String digest = TestSigner.contentDigest(body);

    assertThat(reason(verify(ed, "POST", "/x", NOW.getEpochSecond(), "", Map.of("content-digest", digest), body)))
        .isEqualTo("allowed");
    assertThat(reason(verify(ed, "POST", "/x", NOW.getEpochSecond(), "", Map.of(), body))).isEqualTo("digest-required");
    assertThat(reason(verify(ed, "POST", "/x", NOW.getEpochSecond(), "", Map.of("content-digest", digest),
        "{\"q\":2}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("digest-mismatch");
  }

  @Test
  void incompleteUnknownMismatchedAndReplayed_areRefused() throws Exception {
    Map<String, String> noPath = ed.sign(List.of("@method", "@authority"), List.of("GET", HOST),
        params(ed, NOW.getEpochSecond(), ""));
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", noPath), keys, new byte[0])))
        .isEqualTo("signature-incomplete");

    Map<String, String> unknown = TestSigner.ed25519("nobody").sign(List.of("@method", "@authority", "@path"),
        List.of("GET", HOST, "/"), ";created=" + NOW.getEpochSecond() + ";keyid=\"nobody\"");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", unknown), keys, new byte[0])))
        .isEqualTo("unknown-signing-key");

    Map<String, String> wrongAlg = ed.sign(List.of("@method", "@authority", "@path"), List.of("GET", HOST, "/"),
        ";created=" + NOW.getEpochSecond() + ";keyid=\"ed-1\";alg=\"ecdsa-p256-sha256\"");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", wrongAlg), keys, new byte[0])))
        .isEqualTo("signature-alg-mismatch");

    Map<String, String> once = signedMinimal(ed, "GET", "/", ";nonce=\"n-1\"");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", once), keys, new byte[0]))).isEqualTo("allowed");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", once), keys, new byte[0])))
        .isEqualTo("signature-replayed");

    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", Map.of("signature-input", "garbage",
        "signature", "sig1=:AA==:")), keys, new byte[0]))).isEqualTo("malformed-signature");
  }

  @Test
  void aQueryTheSignatureDoesNotCover_isRefused_andACoveredOneCannotChange() throws Exception {
    Map<String, String> pathOnly = signedMinimal(ed, "GET", "/pay", "");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/pay?amount=1000", pathOnly), keys, new byte[0])))
        .isEqualTo("signature-incomplete");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/pay", pathOnly), keys, new byte[0])))
        .isEqualTo("allowed");

    Map<String, String> withQuery = ed.sign(List.of("@method", "@authority", "@path", "@query"),
        List.of("GET", HOST, "/pay", "?amount=1"), params(ed, NOW.getEpochSecond(), ""));
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/pay?amount=1", withQuery), keys, new byte[0])))
        .isEqualTo("allowed");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/pay?amount=1000", withQuery), keys, new byte[0])))
        .isEqualTo("bad-signature");
  }

  @Test
  void method_isSignedAsSent_notCaseFolded() throws Exception {
    Map<String, String> upper = signedMinimal(ed, "POST", "/", "");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "post", "/", upper), keys, new byte[0])))
        .isEqualTo("bad-signature");
    Map<String, String> lower = signedMinimal(ed, "post", "/", "");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "post", "/", lower), keys, new byte[0])))
        .isEqualTo("allowed");
  }

  @Test
  void aRepeatedLabelOrComponent_isRefusedOutright() throws Exception {
    Map<String, String> good = signedMinimal(ed, "GET", "/", "");
    String input = good.get("signature-input");
    String signature = good.get("signature");
    String other = input.replace("\"@path\")", "\"@path\" \"x-other\")");
    for (Map<String, String> headers : List.of(
        Map.of("signature-input", input + ", " + other, "signature", signature),
        Map.of("signature-input", other + ", " + input, "signature", signature),
        Map.of("signature-input", input, "signature", signature + ", " + signature.replace(":", "::").replace("::", ":")),
        Map.of("signature-input", input.replace("\"@path\")", "\"@path\" \"@path\")"), "signature", signature))) {
      assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", headers), keys, new byte[0])))
          .as(headers.toString()).isEqualTo("malformed-signature");
    }
    // A comma inside a quoted parameter is not a member boundary.
    assertThat(SignatureInput.repeatedLabel("sig1=(\"@method\");keyid=\"a,sig1=b\", sig2=(\"@path\")")).isNull();
    assertThat(SignatureInput.repeatedLabel("sig1=(\"@method\" \"@path\");created=1, sig1=(\"@path\")")).isEqualTo("sig1");
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", good), keys, new byte[0]))).isEqualTo("allowed");
  }

  @Test
  void aSignatureOrDigestNotSpelledCanonically_isRefused_thoughItDecodesToTheSameBytes() throws Exception {
    Map<String, String> headers = new HashMap<>(signedMinimal(ed, "GET", "/", ""));
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", headers), keys, new byte[0]))).isEqualTo("allowed");
    String signature = headers.get("signature");
    assertThat(signature).as("64 octets: two padding characters").endsWith("==:");

    headers.put("signature", signature.replace("==:", ":"));
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", headers), keys, new byte[0])))
        .isEqualTo("non-canonical-signature");
    headers.put("signature", signature.replace("==:", "=\u0020=:"));
    assertThat(reason(signatures.verify(new RequestFacts(HOST, "GET", "/", headers), keys, new byte[0])))
        .isEqualTo("non-canonical-signature");

    byte[] body = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
    String digest = TestSigner.contentDigest(body);
    assertThat(digest).as("32 octets: one padding character").endsWith("=:");
    assertThat(reason(verify(ed, "POST", "/x", NOW.getEpochSecond(), "", Map.of("content-digest", digest), body)))
        .isEqualTo("allowed");
    assertThat(reason(verify(ed, "POST", "/x", NOW.getEpochSecond(), "",
        Map.of("content-digest", digest.substring(0, digest.length() - 2) + ":"), body)))
        .as("the same digest without its padding").isEqualTo("digest-mismatch");
  }

  @Test
  void oneWorkspacesNonces_fillOnlyItsOwnRoom_anotherWorkspacesSignaturesStillPass() throws Exception {
    TestSigner theirs = TestSigner.ed25519("their-1");
    Map<String, SigningKeyEntry> both = new HashMap<>(keys);
    both.put("their-1", SigningKeys.entry("their-1", "other", theirs.publicJwk(), Set.of("agt:invoke")));
    MessageSignatures small = new MessageSignatures(Clock.fixed(NOW, ZoneOffset.UTC), 2);
    java.util.function.BiFunction<TestSigner, String, String> send = (signer, nonce) -> {
      try {
        Map<String, String> headers = signedMinimal(signer, "GET", "/", ";nonce=\"" + nonce + "\"");
        return reason(small.verify(new RequestFacts(HOST, "GET", "/", headers), both, new byte[0]));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    assertThat(send.apply(ed, "n-1")).isEqualTo("allowed");
    assertThat(send.apply(ed, "n-2")).isEqualTo("allowed");
    assertThat(send.apply(ed, "n-3")).as("demo's room is full").isEqualTo("nonce-cache-full");
    assertThat(send.apply(ed, "n-1")).as("and what it holds is still refused").isEqualTo("signature-replayed");
    assertThat(send.apply(theirs, "n-1")).as("another workspace is not affected").isEqualTo("allowed");
  }
}
