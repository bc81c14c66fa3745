package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateAliasRequest;
import dev.gantry.proto.admin.v1.ListNamesRequest;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names besides a workload's own hostname, through the real Envoy: legacy URLs (the one place
 * the path changes: its prefix is stripped), legacy workload ids (aliases), custom domains.
 */
class NamesIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  private static ManagedChannel admin;

  @BeforeAll
  static void start() {
    stack = STACKS.stack();
    admin = stack.admin();
  }


  private static JsonObject json(RawHttp.Response response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static RawHttp.Response awaitStatus(String host, String path, int status) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    RawHttp.Response response;
    do {
      response = stack.get(host, path);
      if (response.status() == status) {
        return response;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    } while (Instant.now().isBefore(deadline));
    return response;
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "/demo/agents/echo,               /",
      "/demo/agents/echo/,              /",
      "/demo/agents/echo/a/b?c=d,       /a/b?c=d",
      "/demo/agents/echo//a/%2F..?x=%20, //a/%2F..?x=%20",
  })
  void legacyUrl_reachesTheWorkload_withOnlyThePrefixStripped(String legacyPath, String seenPath) throws Exception {
    RawHttp.Response response = stack.get("legacy.run.localhost:" + stack.gatewayPort, legacyPath);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("path").getAsString()).isEqualTo(seenPath);
    JsonObject headers = json(response).getAsJsonObject("headers");
    assertThat(headers.getAsJsonArray("host").get(0).getAsString()).isEqualTo("agt-echo-demo.run.localhost");
    assertThat(headers.getAsJsonArray("x-gantry-workload").get(0).getAsString()).isEqualTo("agt-echo-demo");
  }

  @Test
  void legacyUrl_forAPrivateWorkload_needsItsCredential_andMalformedOnesAreRefused() throws Exception {
    RawHttp.Response anonymous = stack.get("legacy.run.localhost", "/demo/agents/private/x");
    assertThat(anonymous.status()).isEqualTo(401);

    RawHttp.Response withToken = RawHttp.get(stack.gatewayPort, "legacy.run.localhost", "/demo/agents/private/x",
        RawHttp.headers("Authorization", "Bearer " + stack.jwks.token("demo")));
    assertThat(withToken.status()).as(withToken.body()).isEqualTo(200);
    assertThat(json(withToken).get("path").getAsString()).isEqualTo("/x");

    RawHttp.Response malformed = stack.get("legacy.run.localhost", "/demo/robots/echo");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(json(malformed).get("reason").getAsString()).isEqualTo("malformed-legacy-path");
  }

  @Test
  void alias_reachesTheWorkloadItStandsFor() throws Exception {
    NameServiceGrpc.newBlockingStub(admin).createAlias(
        CreateAliasRequest.newBuilder().setAlias(dev.gantry.proto.fleet.v1.Alias.newBuilder().setAlias("agt-oldecho-demo").setWorkload("agt-echo-demo")).build());

    RawHttp.Response response = awaitStatus(stack.host("agt-oldecho-demo.eu-lon-1"), "/p", 200);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).getAsJsonObject("headers").getAsJsonArray("x-gantry-workload").get(0).getAsString())
        .isEqualTo("agt-echo-demo");
    RawHttp.Response legacy = stack.get("legacy.run.localhost", "/demo/agents/oldecho/q");
    assertThat(json(legacy).get("path").getAsString()).as("legacy URL and legacy id together").isEqualTo("/q");

    assertThatThrownBy(() -> NameServiceGrpc.newBlockingStub(admin).createAlias(
        CreateAliasRequest.newBuilder().setAlias(dev.gantry.proto.fleet.v1.Alias.newBuilder().setAlias("agt-private-demo").setWorkload("agt-echo-demo")).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
  }

  @Test
  void customDomain_reachesItsWorkload_andIsBoundOnce() throws Exception {
    var names = NameServiceGrpc.newBlockingStub(admin);
    long before = names.listNames(ListNamesRequest.getDefaultInstance()).getVersion();
    names.bindDomain(withCertificate(BindDomainRequest.newBuilder().setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder().setDomain("Agents.Acme.Test").setWorkload("agt-echo-demo").setLocation("eu-lon-1"))));

    RawHttp.Response response = awaitStatus("agents.acme.test:" + stack.gatewayPort, "/hello", 200);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("path").getAsString()).isEqualTo("/hello");
    assertThat(json(response).getAsJsonObject("headers").getAsJsonArray("host").get(0).getAsString())
        .as("the workload sees its own domain").isEqualTo("agents.acme.test:" + stack.gatewayPort);

    long bound = names.listNames(ListNamesRequest.getDefaultInstance()).getVersion();
    assertThat(bound).isEqualTo(before + 1);
    assertThatThrownBy(() -> names.bindDomain(withCertificate(BindDomainRequest.newBuilder().setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder().setDomain("agents.acme.test").setWorkload("agt-private-demo")))))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS))
        .hasMessageContaining("already bound to 'agt-echo-demo'");
    assertThatThrownBy(() -> names.bindDomain(withCertificate(BindDomainRequest.newBuilder().setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder().setDomain("x.run.localhost").setWorkload("agt-echo-demo")))))
        .hasMessageContaining("under the base domain run.localhost");
    assertThatThrownBy(() -> names.bindDomain(withCertificate(BindDomainRequest.newBuilder().setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder().setDomain("far.acme.test").setWorkload("agt-echo-demo").setLocation("us-pdx-1")))))
        .hasMessageContaining("not deployed and allowed anywhere in 'us-pdx-1'");
    assertThat(names.listNames(ListNamesRequest.getDefaultInstance()).getVersion()).as("refusals write nothing").isEqualTo(bound);

    RawHttp.Response unknown = stack.get("nobody.acme.test", "/");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(json(unknown).get("reason").getAsString()).isEqualTo("unknown-domain");
  }

  /** Every bind carries a certificate: one for all the names these tests bind, from a CA of their own. */
  private static BindDomainRequest withCertificate(BindDomainRequest.Builder request) {
    return request.setCertificateChainPem(CERTIFICATE.chainPem()).setPrivateKeyPem(CERTIFICATE.keyPem()).build();
  }

  private static final dev.gantry.pki.ServingCertificate CERTIFICATE =
      dev.gantry.pki.LocalCa.create("names test CA", java.time.Duration.ofDays(1))
          .issueServing(java.util.List.of("*.acme.test", "x.run.localhost"), java.time.Duration.ofDays(1));
}
