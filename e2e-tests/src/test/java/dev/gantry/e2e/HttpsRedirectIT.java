package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A gateway whose catalog asks for HTTPS: its plaintext port only redirects, through the real Envoy. */
class HttpsRedirectIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.redirectingPlaintext();
  private static GatewayStack stack;

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  @Test
  void plaintext_answers308ToTheSameUrlOverHttps_pathAndQueryUnchanged_andReachesNoWorkload() throws Exception {
    String host = "agt-echo-demo.eu-lon-1.run.localhost";
    RawHttp.Response response = stack.get(host + ":" + stack.gatewayPort, "/a/b%20c?q=1&r=x%2Fy");

    assertThat(response.status()).isEqualTo(308);
    assertThat(response.headers().get("location"))
        .isEqualTo("https://" + host + ":" + stack.httpsPort + "/a/b%20c?q=1&r=x%2Fy");
    assertThat(response.body()).doesNotContain("\"workload\"");
    // Not even for a private workload with a credential: nothing is forwarded over plaintext.
    RawHttp.Response withToken = RawHttp.get(stack.gatewayPort, "agt-private-demo.run.localhost:" + stack.gatewayPort, "/x",
        RawHttp.headers("Authorization", "Bearer " + stack.jwks.token("demo")));
    assertThat(withToken.status()).isEqualTo(308);
    assertThat(withToken.body()).doesNotContain("\"workload\"");
  }

  @Test
  void theRedirectsTarget_servesOverHttps() throws Exception {
    RawHttp.TlsExchange exchange = RawHttp.getTls(stack.https().ca(), stack.httpsPort,
        "agt-echo-demo.eu-lon-1.run.localhost", "/a/b%20c?q=1&r=x%2Fy");
    assertThat(exchange.response().status()).isEqualTo(200);
    assertThat(exchange.response().body()).contains("\"path\": \"/a/b%20c?q=1&r=x%2Fy\"");
  }
}
