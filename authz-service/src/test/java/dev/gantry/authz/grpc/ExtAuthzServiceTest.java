package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Code;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.engine.DecisionEngine;
import java.time.Clock;
import dev.gantry.authz.engine.Snapshots;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Check RPC as Envoy calls it, over real (in-process) gRPC. */
class ExtAuthzServiceTest {

  private final SnapshotStore store = new SnapshotStore(s -> {});
  private Server server;
  private ManagedChannel channel;
  private AuthorizationGrpc.AuthorizationBlockingStub authz;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ExtAuthzService(store, new DecisionEngine("eu-lon-1",
            new JwtAuthenticator((uri, kid) -> null, new VerifiedTokens(10), Clock.systemUTC())))).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    authz = AuthorizationGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static CheckRequest request(String host, Map<String, String> headers) {
    return CheckRequest.newBuilder()
        .setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder()
            .setHttp(AttributeContext.HttpRequest.newBuilder()
                .setHost(host).setMethod("GET").setPath("/a?b=c").putAllHeaders(headers))))
        .build();
  }

  @Test
  void check_beforeFirstSnapshot_isAnError_soEnvoyFailsClosed() {
    assertThatThrownBy(() -> authz.check(request("agt-echo-demo.run.localhost", Map.of())))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void check_unknownWorkload_isOkRpcCarryingADeny_likeAPrivateOnes() {
    store.swap(Snapshots.demo());

    CheckResponse response = authz.check(request("agt-nobody-demo.run.localhost", Map.of()));

    assertThat(response.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED_VALUE);
    assertThat(response.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(response.getDeniedResponse().getBody()).isEqualTo("{\"error\":\"workload 'agt-nobody-demo' is private (expected:"
        + " Authorization: Bearer \\u003ctoken or API key of workspace 'demo'\\u003e, or X-Api-Key: \\u003ckey\\u003e)\","
        + "\"reason\":\"credentials-required\"}\n");
    assertThat(response.getDeniedResponse().getHeadersList())
        .anySatisfy(h -> assertThat(h.getHeader().getKey() + "=" + h.getHeader().getValue())
            .isEqualTo("content-type=application/json"));
  }

  @Test
  void check_denyEchoingClientInput_isValidJson() {
    store.swap(Snapshots.demo());

    CheckResponse response = authz.check(request("agt-echo-demo.\"x\\y\n.example", Map.of()));

    assertThat(response.getDeniedResponse().getBody()).contains("\\\"x\\\\y\\n");
  }

  @Test
  void check_privateWorkload_is401WithChallenge() {
    store.swap(Snapshots.demo());

    CheckResponse response = authz.check(request("agt-private-demo.run.localhost", Map.of()));

    assertThat(response.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED_VALUE);
    assertThat(response.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(response.getDeniedResponse().getHeadersList())
        .anySatisfy(h -> assertThat(h.getHeader().getKey()).isEqualTo("www-authenticate"));
  }

  @Test
  void check_allowed_setsHeadersByOverwriting_andRemovesClientGatewayHeaders() {
    store.swap(Snapshots.demo());

    CheckResponse response =
        authz.check(request("agt-echo-demo.eu-lon-1.run.localhost", Map.of("x-gantry-other", "spoof")));

    assertThat(response.getStatus().getCode()).isEqualTo(Code.OK_VALUE);
    Map<String, HeaderValueOption> set = response.getOkResponse().getHeadersList().stream()
        .collect(Collectors.toMap(h -> h.getHeader().getKey(), h -> h));
    assertThat(set.get("x-gantry-cluster").getHeader().getValue()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(set.values()).allSatisfy(h ->
        assertThat(h.getAppendAction()).isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    assertThat(response.getOkResponse().getHeadersToRemoveList()).containsExactly("x-gantry-other");
  }
}
