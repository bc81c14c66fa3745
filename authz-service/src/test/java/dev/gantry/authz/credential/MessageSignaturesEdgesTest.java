package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.SigningKeyEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edges of RFC 9421 verification the main tests leave open: a body declared but not sent,
 * the exact ends of the time window, a nonce remembered for the whole window, a Signature header
 * without the label's value, components the request lacks or Gantry does not support, targets
 * without a path or with only a query, and P-256 signatures that must not verify.
 */
class MessageSignaturesEdgesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String HOST = "agt-private-demo.run.localhost:10000";
  private static final List<String> REQUIRED = List.of("@method", "@authority", "@path");
  private static final List<String> WITH_QUERY = List.of("@method", "@authority", "@path", "@query");
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

  private static String params(TestSigner signer, long created, String extra) {
    return ";created=" + created + ";keyid=\"" + signer.keyId + "\";alg=\"" + signer.alg + "\"" + extra;
  }

  /** The headers of a request signed over {@code components} with {@code values}, as a map the test may change. */
  private static Map<String, String> signed(TestSigner signer, List<String> components, List<String> values, String params)
      throws Exception {
    return new HashMap<>(signer.sign(components, values, params));
  }

  /** Signed over the required components of {@code method path}, created now. */
  private static Map<String, String> signedMinimal(TestSigner signer, String method, String path, String extra)
      throws Exception {
    return signed(signer, REQUIRED, List.of(method, HOST, path), params(signer, NOW.getEpochSecond(), extra));
  }

  private Authentication verify(MessageSignatures with, String method, String path, Map<String, String> headers, byte[] body) {
    return with.verify(new RequestFacts(HOST, method, path, headers, RequestFacts.Listener.PUBLIC, body), keys, body);
  }

  private Authentication get(String path, Map<String, String> headers) {
    return verify(signatures, "GET", path, headers, new byte[0]);
  }

  private static String reason(Authentication authentication) {
    return Outcomes.reason(authentication, "allowed");
  }

  @Test
  void aDeclaredBody_needsASignedDigest_thoughNoneArrived_butALengthOfZeroDeclaresNone() throws Exception {
    Map<String, String> lengthFive = signedMinimal(ed, "POST", "/x", "");
    lengthFive.put("content-length", "5");
    assertThat(reason(verify(signatures, "POST", "/x", lengthFive, new byte[0]))).isEqualTo("digest-required");

    Map<String, String> chunked = signedMinimal(ed, "POST", "/x", "");
    chunked.put("transfer-encoding", "chunked");
    assertThat(reason(verify(signatures, "POST", "/x", chunked, new byte[0]))).isEqualTo("digest-required");

    Map<String, String> lengthZero = signedMinimal(ed, "POST", "/x", "");
    lengthZero.put("content-length", "0");
    assertThat(reason(verify(signatures, "POST", "/x", lengthZero, new byte[0]))).isEqualTo("allowed");
  }

  @Test
  void theEndsOfTheWindow_areInside_andAnExpiryOfNowHasPassed() throws Exception {
    long now = NOW.getEpochSecond();
    long oldest = now - MessageSignatures.WINDOW_SECONDS;
    long newest = now + MessageSignatures.FUTURE_SKEW.toSeconds();

    assertThat(reason(get("/", signed(ed, REQUIRED, List.of("GET", HOST, "/"), params(ed, oldest, "")))))
        .as("created exactly the window ago").isEqualTo("allowed");
    assertThat(reason(get("/", signed(ed, REQUIRED, List.of("GET", HOST, "/"), params(ed, newest, "")))))
        .as("created exactly the tolerated skew ahead").isEqualTo("allowed");
    assertThat(reason(get("/", signedMinimal(ed, "GET", "/", ";expires=" + now))))
        .as("expires now").isEqualTo("signature-expired");
    assertThat(reason(get("/", signedMinimal(ed, "GET", "/", ";expires=" + (now + 1)))))
        .as("expires a second from now").isEqualTo("allowed");
  }

  @Test
  void expires_boundsThePrincipal_butNeverBeyondADayAfterCreated() throws Exception {
    long now = NOW.getEpochSecond();

    assertThat(Outcomes.principal(get("/", signedMinimal(ed, "GET", "/", ";expires=" + (now + 100)))).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(now + 100));
    assertThat(Outcomes.principal(get("/", signedMinimal(ed, "GET", "/", ";expires=" + (now + 10 * 86_400)))).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(now + MessageSignatures.MAX_LIFETIME_SECONDS));
    assertThat(Outcomes.principal(get("/", signedMinimal(ed, "GET", "/", ""))).expiresAt()).as("no expires: none").isNull();
  }

  @Test
  void aNonce_isRememberedAsLongAsItsSignatureCouldPass_notHalfThatLong() throws Exception {
    MovableClock clock = new MovableClock(NOW);
    MessageSignatures moving = new MessageSignatures(clock);
    Map<String, String> once = signedMinimal(ed, "GET", "/", ";nonce=\"n-1\"");

    assertThat(reason(verify(moving, "GET", "/", once, new byte[0]))).isEqualTo("allowed");
    for (long later : new long[] {31, 45, 59}) {
      clock.now = NOW.plusSeconds(later);
      assertThat(reason(verify(moving, "GET", "/", once, new byte[0]))).as(later + " s later").isEqualTo("signature-replayed");
    }
    clock.now = NOW.plusSeconds(MessageSignatures.WINDOW_SECONDS + 1);
    assertThat(reason(verify(moving, "GET", "/", once, new byte[0]))).as("past the window").isEqualTo("signature-stale");
  }

  @Test
  void aSignatureHeaderMissing_orWithoutAValueForTheLabel_isMalformed() throws Exception {
    Map<String, String> good = signedMinimal(ed, "GET", "/", "");

    Map<String, String> inputOnly = new HashMap<>(good);
    inputOnly.remove("signature");
    assertThat(reason(get("/", inputOnly))).isEqualTo("malformed-signature");

    Map<String, String> otherLabel = new HashMap<>(good);
    otherLabel.put("signature", "sig2=" + good.get("signature").substring("sig1=".length()));
    Authentication unlabelled = get("/", otherLabel);
    assertThat(reason(unlabelled)).isEqualTo("malformed-signature");
    assertThat(Outcomes.message(unlabelled)).contains("no value for label 'sig1'");

    for (String empty : List.of("sig1=::", "sig1=:")) {
      Map<String, String> headers = new HashMap<>(good);
      headers.put("signature", empty);
      assertThat(reason(get("/", headers))).as(empty).isEqualTo("malformed-signature");
    }
    assertThat(reason(get("/", good))).isEqualTo("allowed");
  }

  @Test
  void aSignatureWithoutCreatedOrKeyid_isRefusedForWhatItLacks() throws Exception {
    Map<String, String> noCreated = signed(ed, REQUIRED, List.of("GET", HOST, "/"), ";keyid=\"ed-1\"");
    assertThat(reason(get("/", noCreated))).isEqualTo("signature-missing-created");

    Map<String, String> noKeyid = signed(ed, REQUIRED, List.of("GET", HOST, "/"), ";created=" + NOW.getEpochSecond());
    Authentication refused = get("/", noKeyid);
    assertThat(reason(refused)).isEqualTo("malformed-signature");
    assertThat(Outcomes.message(refused)).contains("keyid");
  }

  @Test
  void aComponentTheRequestLacks_orOneNotSupported_leavesTheSignatureIncomplete() throws Exception {
    String params = params(ed, NOW.getEpochSecond(), "");
    List<String> withHeader = List.of("@method", "@authority", "@path", "x-tenant");

    Authentication lacking = get("/", signed(ed, withHeader, List.of("GET", HOST, "/", "acme"), params));
    assertThat(reason(lacking)).isEqualTo("signature-incomplete");
    assertThat(Outcomes.message(lacking)).contains("x-tenant").contains("does not carry");

    Authentication unsupported = get("/", signed(ed, List.of("@method", "@authority", "@path", "@target-uri"),
        List.of("GET", HOST, "/", "https://" + HOST + "/"), params));
    assertThat(reason(unsupported)).isEqualTo("signature-incomplete");
    assertThat(Outcomes.message(unsupported)).contains("@target-uri").contains("not supported");

    Map<String, String> carried = signed(ed, withHeader, List.of("GET", HOST, "/", "acme"), params);
    carried.put("x-tenant", " acme ");
    assertThat(reason(get("/", carried))).as("a header field's value, stripped").isEqualTo("allowed");
  }

  @Test
  void aRequestWithoutAPath_isSignedAsTheRoot() throws Exception {
    assertThat(reason(get(null, signedMinimal(ed, "GET", "/", "")))).isEqualTo("allowed");
  }

  @Test
  void aTargetThatIsOnlyAQuery_mustSignTheQuery_andItsPathIsEmpty() throws Exception {
    String params = params(ed, NOW.getEpochSecond(), "");

    Map<String, String> pathOnly = signed(ed, REQUIRED, List.of("GET", HOST, ""), params);
    assertThat(reason(get("?amount=1", pathOnly))).isEqualTo("signature-incomplete");

    Map<String, String> withQuery = signed(ed, WITH_QUERY, List.of("GET", HOST, "", "?amount=1"), params);
    assertThat(reason(get("?amount=1", withQuery))).isEqualTo("allowed");
    assertThat(reason(get("?amount=1000", withQuery))).isEqualTo("bad-signature");
  }

  @Test
  void theQueryOfARequestWithoutOne_isTheBareQuestionMark() throws Exception {
    Map<String, String> headers = signed(ed, WITH_QUERY, List.of("GET", HOST, "/pay", "?"), params(ed, NOW.getEpochSecond(), ""));

    assertThat(reason(get("/pay", headers))).isEqualTo("allowed");
  }

  @Test
  void p256Signatures_thatDoNotVerify_areRefused_anotherRequests_allZero_orOfTheWrongLength() throws Exception {
    Map<String, String> headers = signedMinimal(ec, "GET", "/a", "");
    assertThat(reason(get("/a", headers))).isEqualTo("allowed");
    assertThat(reason(get("/b", headers))).as("another request's signature").isEqualTo("bad-signature");

    // r = s = 0 is the forgery of CVE-2022-21449; 32 octets is no P-256 signature at all.
    for (byte[] forged : List.of(new byte[64], new byte[32])) {
      Map<String, String> forgedHeaders = new HashMap<>(headers);
      forgedHeaders.put("signature", "sig1=:" + Base64.getEncoder().encodeToString(forged) + ":");
      assertThat(reason(get("/a", forgedHeaders))).as(forged.length + " zero octets").isEqualTo("bad-signature");
    }
  }
}
