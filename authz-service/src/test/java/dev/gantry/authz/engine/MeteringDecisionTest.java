package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.usage.QuotaBlocks;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.Metering;
import dev.gantry.routing.WorkloadId;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The meter header: set where the client entered, for metered workloads only, naming the workload
 * and the caller's credential; never on the internal listener (the entry gateway meters a
 * forwarded request) and never for an unmetered workload.
 */
class MeteringDecisionTest {

  private static AuthzSnapshot snapshot() {
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(Snapshots.demo().workloads());
    for (String id : new String[] {"agt-llm-demo", "agt-llm-far-demo"}) {
      WorkloadId workload = WorkloadId.parse(id);
      Set<String> regions = id.contains("far") ? Set.of("us-pdx-1") : Set.of("eu-lon-1");
      workloads.put(workload, new WorkloadEntry(workload, true, regions, regions, "any region", false, Map.of(), null,
          Map.of(), Metering.OPENAI));
    }
    return AuthzSnapshot.of(7, Snapshots.LOCAL_CATALOG, Set.of("run.localhost"), workloads, TestIssuer.workspaces());
  }

  private static final java.time.Instant NOW = java.time.Instant.parse("2026-12-03T10:20:30.250Z");

  private static Decision decide(String host, RequestFacts.Listener listener) {
    return decide(host, listener, new QuotaBlocks());
  }

  private static Decision decide(String host, RequestFacts.Listener listener, QuotaBlocks blocks) {
    Clock clock = Clock.fixed(NOW, java.time.ZoneOffset.UTC);
    DecisionEngine engine = new DecisionEngine("eu-lon-1",
        new dev.gantry.authz.credential.JwtAuthenticator((uri, kid) -> null, new VerifiedTokens(2), clock),
        new dev.gantry.authz.credential.ApiKeyAuthenticator(clock), new dev.gantry.authz.credential.MessageSignatures(clock),
        clock, blocks);
    return engine.decide(snapshot(), new RequestFacts(host, "GET", "/", Map.of(), listener));
  }

  @Test
  void aWorkspaceOverItsQuota_gets429_withRetryAfter_atItsMeteredWorkloadsOnly() {
    QuotaBlocks blocks = new QuotaBlocks();
    blocks.replace(java.util.List.of(new QuotaBlocks.Block("demo", java.time.Instant.parse("2026-12-03T11:00:00Z"),
        "100 tokens per hour")));

    Decision.Deny refused = (Decision.Deny) decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC, blocks);
    assertThat(refused.httpStatus()).isEqualTo(429);
    assertThat(refused.reason()).isEqualTo("quota-exceeded");
    assertThat(refused.message()).contains("100 tokens per hour").contains("2026-12-03T11:00:00Z");
    assertThat(refused.responseHeaders()).containsEntry("retry-after", "2370"); // 39 min 29.75 s, rounded up
    assertThat(decide("agt-echo-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC, blocks))
        .as("an unmetered workload of the workspace").isInstanceOf(Decision.Allow.class);
    assertThat(decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.INTERNAL, blocks))
        .as("forwarded: checked where it entered").isInstanceOf(Decision.Allow.class);

    blocks.replace(java.util.List.of(new QuotaBlocks.Block("demo", NOW, "100 tokens per hour")));
    assertThat(decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC, blocks))
        .as("a block ends with its window, whatever the control plane says next").isInstanceOf(Decision.Allow.class);
    blocks.replace(java.util.List.of());
    assertThat(decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC, blocks)).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void aMeteredWorkload_isMarkedWhereTheClientEntered() {
    Decision.Allow here = (Decision.Allow) decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC);
    Decision.Allow forwarded = (Decision.Allow) decide("agt-llm-far-demo.run.localhost", RequestFacts.Listener.PUBLIC);

    assertThat(here.headersToSet()).containsEntry(GatewayHeaders.METER, "agt-llm-demo;anonymous");
    assertThat(forwarded.forwarded()).isTrue();
    assertThat(forwarded.headersToSet()).containsEntry(GatewayHeaders.METER, "agt-llm-far-demo;anonymous");
  }

  @Test
  void notAtTheGatewayItIsForwardedTo_norForUnmeteredWorkloads() {
    Decision.Allow peer = (Decision.Allow) decide("agt-llm-demo.eu-lon-1.run.localhost", RequestFacts.Listener.INTERNAL);
    Decision.Allow plain = (Decision.Allow) decide("agt-echo-demo.eu-lon-1.run.localhost", RequestFacts.Listener.PUBLIC);

    assertThat(peer.headersToSet()).doesNotContainKey(GatewayHeaders.METER);
    assertThat(plain.headersToSet()).doesNotContainKey(GatewayHeaders.METER);
  }
}
