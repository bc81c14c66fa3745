package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.RegisterSigningKeyRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.SigningKeyServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4's allow/deny matrix through the real Envoy: every credential kind (none, JWT, API key,
 * signed request), each of workspace demo and scoped to agents only, against a workload of its
 * own workspace or another's, of an allowed product (agent) or a forbidden one (MCP server).
 */
class CredentialMatrixIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;
  private static String apiKey;
  private static KeyPair signingKey;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    admin = stack.admin();
    for (String id : List.of("mcp-private-demo", "mcp-private-other")) {
      WorkloadServiceGrpc.newBlockingStub(admin).createWorkload(CreateWorkloadRequest.newBuilder().setWorkload(dev.gantry.proto.fleet.v1.Workload.newBuilder().setId(id).addRegions("eu-lon-1")).build());
      ReplicaServiceGrpc.newBlockingStub(admin).registerReplica(RegisterReplicaRequest.newBuilder().setReplica(dev.gantry.proto.fleet.v1.Replica.newBuilder().setWorkload(id).setRegion("eu-lon-1").setAddress("127.0.0.1:" + stack.echo.port())).setPermanent(true).build());
    }
    apiKey = ApiKeyServiceGrpc.newBlockingStub(admin).createApiKey(CreateApiKeyRequest.newBuilder()
        .setWorkspace("demo").addScopes("agt:invoke").build()).getKey();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    signingKey = generator.generateKeyPair();
    SigningKeyServiceGrpc.newBlockingStub(admin).registerSigningKey(RegisterSigningKeyRequest.newBuilder().setKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder().setWorkspace("demo").setKeyId("matrix").addScopes("agt:invoke").setJwk(new ECKey.Builder(Curve.P_256, (ECPublicKey) signingKey.getPublic()).build().toJSONString())).build());
    stack.awaitSidecarCurrent(); // the snapshot with all of it reaches the sidecar
  }


  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (String kind : List.of("none", "jwt", "api_key", "signature")) {
      cases.add(Arguments.of(kind, "agt-private-demo", kind.equals("none") ? 401 : 200,
          kind.equals("none") ? "credentials-required" : null));
      // The JWT is the agent API's (aud gantry): an MCP server takes only tokens bound to it.
      cases.add(Arguments.of(kind, "mcp-private-demo", kind.equals("none") || kind.equals("jwt") ? 401 : 403,
          kind.equals("none") ? "credentials-required" : kind.equals("jwt") ? "wrong-resource" : "insufficient-scope"));
      cases.add(Arguments.of(kind, "agt-echo-other", kind.equals("none") ? 401 : 403,
          kind.equals("none") ? "credentials-required" : "wrong-workspace"));
      cases.add(Arguments.of(kind, "mcp-private-other", kind.equals("none") || kind.equals("jwt") ? 401 : 403,
          kind.equals("none") ? "credentials-required" : kind.equals("jwt") ? "wrong-resource" : "wrong-workspace"));
    }
    return cases.stream();
  }

  private static String[] credential(String kind, String host) throws Exception {
    return switch (kind) {
      case "none" -> new String[0];
      case "jwt" -> new String[] {"Authorization", "Bearer " + stack.jwks.token("demo")};
      case "api_key" -> new String[] {"X-Api-Key", apiKey};
      default -> {
        String params = "(\"@method\" \"@authority\" \"@path\");created=" + Instant.now().getEpochSecond() + ";keyid=\"matrix\"";
        String base = "\"@method\": GET\n\"@authority\": " + host + "\n\"@path\": /m\n\"@signature-params\": " + params;
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(signingKey.getPrivate());
        signer.update(base.getBytes(StandardCharsets.UTF_8));
        yield new String[] {"Signature-Input", "sig1=" + params,
            "Signature", "sig1=:" + Base64.getEncoder().encodeToString(signer.sign()) + ":"};
      }
    };
  }

  @ParameterizedTest(name = "{0} of demo (agents only) → {1}: {2} {3}")
  @MethodSource("matrix")
  void credentialKind_workspace_product(String kind, String workload, int status, String reason) throws Exception {
    String host = stack.host(workload + ".eu-lon-1");

    RawHttp.Response response = RawHttp.get(stack.gatewayPort, host, "/m", RawHttp.headers(credential(kind, host)));

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    if (reason != null) {
      assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("reason").getAsString()).isEqualTo(reason);
    } else {
      assertThat(JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers")
          .getAsJsonArray("x-gantry-credential-kind").get(0).getAsString()).isEqualTo(kind);
    }
  }
}
