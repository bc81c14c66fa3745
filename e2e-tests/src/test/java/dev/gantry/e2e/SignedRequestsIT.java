package dev.gantry.e2e;

import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.gantry.proto.admin.v1.RegisterSigningKeyRequest;
import dev.gantry.proto.admin.v1.SigningKeyServiceGrpc;
import io.grpc.ManagedChannel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 9421 signed requests through the real Envoy: a client signs @method, @authority, @path,
 * created (and content-digest over its body) with an ECDSA P-256 key registered to its
 * workspace. (Ed25519 is covered by the authz-service's unit tests with the same verifier.)
 */
class SignedRequestsIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;
  private static KeyPair demoKey;
  private static KeyPair otherKey;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    admin = stack.admin();
    demoKey = p256();
    otherKey = p256();
    register("demo", "demo-signer", demoKey);
    register("other", "other-signer", otherKey);
    stack.awaitSidecarCurrent(); // the snapshot with all of it reaches the sidecar
  }


  private static KeyPair p256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static void register(String workspace, String keyId, KeyPair key) {
    SigningKeyServiceGrpc.newBlockingStub(admin).registerSigningKey(RegisterSigningKeyRequest.newBuilder().setKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder().setWorkspace(workspace).setKeyId(keyId).setJwk(new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).build().toJSONString())).build());
  }

  /** Sends a request signed as RFC 9421 says, over what {@code signedPath} etc. name. */
  private static RawHttp.Response send(String method, String workload, String path, String signedPath, long created,
      KeyPair key, String keyId, byte[] body, byte[] digestedBody) throws Exception {
    return sendTo(stack.host(workload + ".eu-lon-1"), method, path, signedPath, created, key, keyId, body, digestedBody);
  }

  private static RawHttp.Response sendTo(String authority, String method, String path, String signedPath, long created,
      KeyPair key, String keyId, byte[] body, byte[] digestedBody) throws Exception {
    // A signed path with a query signs it as @query too (RFC 9421 §2.2.7).
    int question = signedPath.indexOf('?');
    String query = question < 0 ? null : signedPath.substring(question);
    String pathOnly = question < 0 ? signedPath : signedPath.substring(0, question);
    String components = "(\"@method\" \"@authority\" \"@path\"" + (query == null ? "" : " \"@query\"")
        + (body == null ? "" : " \"content-digest\"") + ")";
    String params = components + ";created=" + created + ";keyid=\"" + keyId + "\";alg=\"ecdsa-p256-sha256\"";
    String digest = body == null ? null
        : "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(digestedBody)) + ":";
    String base = "\"@method\": " + method + "\n\"@authority\": " + authority + "\n\"@path\": " + pathOnly + "\n"
        + (query == null ? "" : "\"@query\": " + query + "\n")
        + (digest == null ? "" : "\"content-digest\": " + digest + "\n") + "\"@signature-params\": " + params;
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(key.getPrivate());
    signer.update(base.getBytes(StandardCharsets.UTF_8));
    String signature = Base64.getEncoder().encodeToString(signer.sign());
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n")
        .append("Signature-Input: sig1=").append(params).append("\r\n")
        .append("Signature: sig1=:").append(signature).append(":\r\n");
    if (body != null) {
      request.append("Content-Digest: ").append(digest).append("\r\nContent-Type: application/json\r\nContent-Length: ")
          .append(body.length).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", stack.gatewayPort), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(raw.substring(9, 12));
      return new RawHttp.Response(status, java.util.Map.of(), raw.substring(raw.indexOf("\r\n\r\n") + 4));
    }
  }

  /**
   * Sends a request signed over @method, @authority and @path only, with a body streamed by curl
   * without a length: chunked over HTTP/1.1 ({@code --http1.1}), DATA frames over HTTP/2
   * ({@code --http2-prior-knowledge}). Returns the status and the body.
   */
  private static String[] sendUnsignedBody(String protocol, byte[] body) throws Exception {
    return sendUnsignedBody(protocol, stack.host("agt-private-demo.eu-lon-1"), "/up", body);
  }

  private static String[] sendUnsignedBody(String protocol, String authority, String path, byte[] body) throws Exception {
    String params = "(\"@method\" \"@authority\" \"@path\");created=" + now() + ";keyid=\"demo-signer\";alg=\"ecdsa-p256-sha256\"";
    String base = "\"@method\": POST\n\"@authority\": " + authority + "\n\"@path\": " + path + "\n\"@signature-params\": " + params;
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(demoKey.getPrivate());
    signer.update(base.getBytes(StandardCharsets.UTF_8));
    String signature = Base64.getEncoder().encodeToString(signer.sign());
    Process curl = new ProcessBuilder("curl", "-s", protocol, "-X", "POST", "-T", "-", "-w", "\n%{http_code}",
        "-H", "Host: " + authority, "-H", "Signature-Input: sig1=" + params, "-H", "Signature: sig1=:" + signature + ":",
        "-H", "Expect:", "http://127.0.0.1:" + stack.gatewayPort + path).redirectErrorStream(true).start();
    try (OutputStream in = curl.getOutputStream()) {
      in.write(body);
    }
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    curl.waitFor(30, TimeUnit.SECONDS);
    int newline = output.lastIndexOf('\n');
    return new String[] {output.substring(newline + 1).strip(), output.substring(0, Math.max(0, newline))};
  }

  @Test
  void aKeyWhoseJwkIsNotSpelledCanonically_isRefusedAtRegistration_andNothingIsStored() throws Exception {
    ECKey key = new ECKey.Builder(Curve.P_256, (ECPublicKey) p256().getPublic()).build();
    String x = key.getX().toString();
    // The same coordinate with a stray bit in its last character: a lenient decoder reads the same key.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String stray = x.substring(0, x.length() - 1) + alphabet.charAt(alphabet.indexOf(x.charAt(x.length() - 1)) | 1);
    String jwk = key.toJSONString().replace(x, stray);

    io.grpc.StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
        io.grpc.StatusRuntimeException.class,
        () -> SigningKeyServiceGrpc.newBlockingStub(admin).registerSigningKey(RegisterSigningKeyRequest.newBuilder()
            .setKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder().setWorkspace("demo").setKeyId("stray-bits").setJwk(jwk))
            .build()));

    assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains("member 'x' is not canonical base64url");
    assertThat(SigningKeyServiceGrpc.newBlockingStub(admin).listSigningKeys(
        dev.gantry.proto.admin.v1.ListSigningKeysRequest.newBuilder().setWorkspace("demo").build()).toString())
        .doesNotContain("stray-bits");
  }

  @Test
  void signedRequest_withABodyItsSignatureDoesNotCover_isRefused_whateverItsFraming() throws Exception {
    for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
      String[] tampered = sendUnsignedBody(protocol, "{\"amount\": 1000000}".getBytes(StandardCharsets.UTF_8));
      assertThat(tampered[0]).as(protocol + ": " + tampered[1]).isEqualTo("401");
      assertThat(tampered[1]).contains("digest-required");
    }
    String[] empty = sendUnsignedBody("--http2-prior-knowledge", new byte[0]);
    assertThat(empty[0]).as("the same signature without a body is good: " + empty[1]).isEqualTo("200");
  }

  /** A legacy URL is routed by its own virtual host: its signed requests' bodies go to the check too. */
  @Test
  void signedRequest_throughALegacyUrl_hasItsBodyChecked() throws Exception {
    String legacy = "legacy.run.localhost:" + stack.gatewayPort;
    for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
      String[] tampered = sendUnsignedBody(protocol, legacy, "/demo/agents/private/up", "{\"amount\": 1}".getBytes(StandardCharsets.UTF_8));
      assertThat(tampered[0]).as(protocol + ": " + tampered[1]).isEqualTo("401");
      assertThat(tampered[1]).contains("digest-required");
    }
    byte[] body = "{\"question\":\"legacy\"}".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response signed = sendTo(legacy, "POST", "/demo/agents/private/ask", "/demo/agents/private/ask", now(), demoKey,
        "demo-signer", body, body);
    assertThat(signed.status()).as(signed.body()).isEqualTo(200);
    JsonObject echoed = JsonParser.parseString(signed.body()).getAsJsonObject();
    assertThat(echoed.get("path").getAsString()).isEqualTo("/ask");
    assertThat(echoed.get("body").getAsString()).isEqualTo(new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void signedRequest_bodyBufferedForItsCheck_isBoundedAt64KiB() throws Exception {
    byte[] body = new byte[70 * 1024];
    RawHttp.Response response = send("POST", "agt-private-demo", "/big", "/big", now(), demoKey, "demo-signer", body, body);

    assertThat(response.status()).as("the gateway holds at most 64 KiB of a request's body for a check").isEqualTo(413);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static String reason(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString();
  }

  @Test
  void signedGet_reachesItsWorkspacesPrivateWorkload_withoutTheSignature() throws Exception {
    RawHttp.Response response = send("GET", "agt-private-demo", "/s?q=1", "/s?q=1", now(), demoKey, "demo-signer", null, null);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject headers = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers");
    assertThat(headers.getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo("signature");
    assertThat(headers.getAsJsonArray("x-gantry-credential-id").get(0).getAsString()).isEqualTo("demo-signer");
    assertThat(headers.has("signature")).isFalse();
    assertThat(headers.has("signature-input")).isFalse();
  }

  @Test
  void aSignatureThatDoesNotCoverTheQuery_orCoversAnotherOne_authorizesNoQuery() throws Exception {
    RawHttp.Response unsigned = send("GET", "agt-private-demo", "/s?amount=1000", "/s", now(), demoKey, "demo-signer", null, null);
    assertThat(unsigned.status()).as(unsigned.body()).isEqualTo(401);
    assertThat(reason(unsigned)).isEqualTo("signature-incomplete");

    RawHttp.Response changed = send("GET", "agt-private-demo", "/s?amount=1000", "/s?amount=1", now(), demoKey, "demo-signer",
        null, null);
    assertThat(changed.status()).as(changed.body()).isEqualTo(401);
    assertThat(reason(changed)).isEqualTo("bad-signature");
  }

  @Test
  void signedPost_withItsBodysDigest_isServed_andTheBodyArrivesWhole() throws Exception {
    byte[] body = "{\"question\":\"what is the weather\"}".getBytes(StandardCharsets.UTF_8);

    RawHttp.Response response = send("POST", "agt-private-demo", "/ask", "/ask", now(), demoKey, "demo-signer", body, body);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("body").getAsString())
        .isEqualTo(new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void refusals() throws Exception {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response stale = send("GET", "agt-private-demo", "/s", "/s", now() - 120, demoKey, "demo-signer", null, null);
    assertThat(stale.status()).isEqualTo(401);
    assertThat(reason(stale)).isEqualTo("signature-stale");

    RawHttp.Response otherPath = send("GET", "agt-private-demo", "/admin", "/s", now(), demoKey, "demo-signer", null, null);
    assertThat(otherPath.status()).isEqualTo(401);
    assertThat(reason(otherPath)).isEqualTo("bad-signature");

    RawHttp.Response tampered = send("POST", "agt-private-demo", "/ask", "/ask", now(), demoKey, "demo-signer",
        body, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(tampered.status()).isEqualTo(401);
    assertThat(reason(tampered)).isEqualTo("digest-mismatch");

    RawHttp.Response otherWorkspace = send("GET", "agt-private-demo", "/s", "/s", now(), otherKey, "other-signer", null, null);
    assertThat(otherWorkspace.status()).isEqualTo(403);
    assertThat(reason(otherWorkspace)).isEqualTo("wrong-workspace");

    RawHttp.Response wrongKey = send("GET", "agt-private-demo", "/s", "/s", now(), otherKey, "demo-signer", null, null);
    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(reason(wrongKey)).isEqualTo("bad-signature");
  }
}
