package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

  private final DecisionEngine engine = new DecisionEngine("eu-lon-1");
  private final AuthzSnapshot snapshot = Snapshots.demo();

  private Decision decide(String host, Map<String, String> headers) {
    return engine.decide(snapshot, new RequestFacts(host, "GET", "/", headers));
  }

  private Decision decide(String host) {
    return decide(host, Map.of());
  }

  @Test
  void decide_publicWorkloadDeployedHere_allowsToLocalCluster() {
    Decision.Allow allow = (Decision.Allow) decide("agt-echo-demo.eu-lon-1.run.localhost:10000");

    assertThat(allow.cluster()).isEqualTo("agt-echo-demo@eu-lon-1");
    assertThat(allow.headersToSet())
        .containsEntry("x-gantry-cluster", "agt-echo-demo@eu-lon-1")
        .containsEntry("x-gantry-workload", "agt-echo-demo")
        .containsEntry("x-gantry-subject", "anonymous")
        .containsEntry("x-gantry-credential-kind", "none")
        .containsEntry("x-gantry-region", "eu-lon-1")
        .doesNotContainKey("x-gantry-workspace");
  }

  @Test
  void decide_groupAndGlobalIncludingHere_allow() {
    assertThat(decide("agt-echo-demo.eu.run.localhost")).isInstanceOf(Decision.Allow.class);
    assertThat(decide("agt-echo-demo.run.localhost")).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void decide_clientSentGatewayHeaders_areRemoved_exceptThoseReplaced() {
    Decision.Allow allow =
        (Decision.Allow) decide("agt-echo-demo.run.localhost",
            Map.of("x-gantry-workspace", "other", "x-gantry-subject", "root", "accept", "*/*"));

    assertThat(allow.headersToRemove()).containsExactly("x-gantry-workspace");
    assertThat(allow.headersToSet()).containsEntry("x-gantry-subject", "anonymous");
  }

  @Test
  void decide_malformedHost_isDenied400WithGrammarReason() {
    Decision.Deny deny = (Decision.Deny) decide("xyz-echo-demo.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(400);
    assertThat(deny.reason()).isEqualTo("unknown-product");
    assertThat(deny.message()).contains("expected: agt, mcp or sbx");
  }

  @Test
  void decide_unknownWorkload_isDenied404() {
    Decision.Deny deny = (Decision.Deny) decide("agt-nobody-demo.eu-lon-1.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(404);
    assertThat(deny.reason()).isEqualTo("unknown-workload");
  }

  @Test
  void decide_unknownLocation_isDenied404NamingTheLabels() {
    Decision.Deny deny = (Decision.Deny) decide("agt-echo-demo.mars-1.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(404);
    assertThat(deny.reason()).isEqualTo("unknown-location");
    assertThat(deny.message()).contains("mars-1").contains("eu-lon-1").contains("eu");
  }

  @Test
  void decide_locationWhereNotDeployed_isDenied421() {
    Decision.Deny deny = (Decision.Deny) decide("agt-echo-demo.us.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(421);
    assertThat(deny.reason()).isEqualTo("not-deployed-in-location");
    assertThat(deny.message()).contains("[eu-lon-1]");
  }

  @Test
  void decide_deployedOnlyElsewhere_isNotServedHere() {
    Decision.Deny deny = (Decision.Deny) decide("agt-far-demo.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(502);
    assertThat(deny.reason()).isEqualTo("region-forwarding-unavailable");
  }

  @Test
  void decide_privateWorkloadWithoutCredential_isDenied401WithChallenge() {
    Decision.Deny deny = (Decision.Deny) decide("agt-private-demo.eu-lon-1.run.localhost");

    assertThat(deny.httpStatus()).isEqualTo(401);
    assertThat(deny.reason()).isEqualTo("credentials-required");
    assertThat(deny.responseHeaders()).containsKey("www-authenticate");
  }
}
