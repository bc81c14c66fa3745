package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.gantry.authz.AuthzServer;
import dev.gantry.authz.usage.UsageLedger;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Observation fails open: a sidecar that may observe one response at a time refuses Envoy's
 * observation of a second while the first streams; that second response still reaches its
 * client whole, and the gap shows in the sidecar's gantry.usage.unobserved instead of the
 * response. (Envoy's own ext_proc failure counters move only when the refusal arrives before the
 * response has passed: not something to count on.)
 */
class MeteringFailsOpenIT {

  private static final String METERED = "agt-llm-demo";

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    MeteringIT.servePublicMetered(stack, METERED);
    stack.authz.close();
    stack.authz = stack.startAuthz(new AuthzServer.UsageSettings(1, 1 << 20));
    stack.awaitServing();
    stack.awaitSidecarCurrent();
    MeteringIT.awaitAnswer(stack, METERED + ".eu-lon-1");
    MeteringIT.awaitAnswerCounted(stack);
  }

  private static RawHttp.Response post(String body) throws Exception {
    return RawHttp.post(stack.gatewayPort, stack.host(METERED + ".eu-lon-1"), "/v1/chat/completions", java.util.List.of(), body);
  }

  @Test
  void aResponseItCannotObserve_flowsWhole_andTheGapIsCounted() throws Exception {
    long started = stack.envoy.statSum("ext_proc.streams_started");
    // The one observation the sidecar may hold: a stream of ten words, 300 ms apart.
    CompletableFuture<RawHttp.Response> holding = CompletableFuture.supplyAsync(() -> {
      try {
        return post("{\"stream\":true,\"demo_interval_ms\":300,\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"one two three four five six seven eight nine\"}]}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    for (int i = 0; i < 200 && stack.envoy.statSum("ext_proc.streams_started") == started; i++) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(stack.envoy.statSum("ext_proc.streams_started")).as("the first stream is observed").isEqualTo(started + 1);
    Metrics before = stack.scrapeAuthz();
    Map<UsageLedger.Key, UsageLedger.Counts> countedBefore = stack.authz.usage().totals();

    RawHttp.Response unobserved = post("{\"messages\":[{\"role\":\"user\",\"content\":\"still served\"}]}");

    assertThat(unobserved.status()).isEqualTo(200);
    assertThat(JsonParser.parseString(unobserved.body()).getAsJsonObject().getAsJsonObject("usage")
        .get("total_tokens").getAsLong()).as("the whole response").isEqualTo(5);
    assertThat(holding.get(30, TimeUnit.SECONDS).body()).as("the observed stream, whole").contains("[DONE]");
    assertThat(stack.scrapeAuthz().value("gantry_usage_unobserved_total"))
        .isEqualTo(before.value("gantry_usage_unobserved_total") + 1);
    // Only the stream that was observed is counted, once it ended.
    for (int i = 0; i < 200 && stack.authz.usage().totals().values().stream().mapToLong(UsageLedger.Counts::requests).sum()
        == countedBefore.values().stream().mapToLong(UsageLedger.Counts::requests).sum(); i++) {
      TimeUnit.MILLISECONDS.sleep(25);
    }
    long requests = stack.authz.usage().totals().values().stream().mapToLong(UsageLedger.Counts::requests).sum()
        - countedBefore.values().stream().mapToLong(UsageLedger.Counts::requests).sum();
    assertThat(requests).isEqualTo(1);
  }
}
