package dev.gantry.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.engine.Snapshots;
import dev.gantry.authz.grpc.ExtAuthzService;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CheckWarmUpTest {

  private static final String REGION = "eu-lon-1";

  /** What the service answers each request: gRPC status code of the CheckResponse, counted. */
  private static Map<Integer, Integer> answers(ExtAuthzService service, List<CheckRequest> requests) {
    Map<Integer, Integer> codes = new TreeMap<>();
    for (CheckRequest request : requests) {
      List<CheckResponse> got = new ArrayList<>();
      service.check(request, new StreamObserver<>() {
        @Override
        public void onNext(CheckResponse response) {
          got.add(response);
        }

        @Override
        public void onError(Throwable t) {
          throw new AssertionError("the Check failed", t);
        }

        @Override
        public void onCompleted() {}
      });
      codes.merge(got.getFirst().getStatus().getCode(), 1, Integer::sum);
    }
    return codes;
  }

  @Test
  void theIssuersRequests_areAllowed_byAnEngineThatKnowsItsKey_soTheWarmUpRunsTheAllowPath() {
    AuthzSnapshot real = Snapshots.demo();
    WarmUpIssuer issuer = WarmUpIssuer.create(Clock.systemUTC());
    SnapshotStore store = new SnapshotStore(s -> {});
    store.swap(issuer.addTo(real, REGION));
    Clock clock = Clock.systemUTC();
    ExtAuthzService service = new ExtAuthzService(store, new DecisionEngine(REGION,
        new JwtAuthenticator(issuer::find, new VerifiedTokens(100), clock), new ApiKeyAuthenticator(clock),
        new MessageSignatures(clock), clock));

    List<CheckRequest> allowed = issuer.requests(WarmUpIssuer.WORKLOAD + "." + REGION + "." + CheckWarmUp.baseDomain(real));
    assertThat(answers(service, allowed)).as("the issuer's requests").containsExactly(Map.entry(0, allowed.size()));
    // Every request of the warm-up: half allowed, the rest refused (none an error).
    List<CheckRequest> all = CheckWarmUp.requests(store.current(), allowed);
    Map<Integer, Integer> codes = answers(service, all);
    assertThat(codes.get(0)).as("allowed among " + codes).isGreaterThanOrEqualTo(all.size() / 2);
    assertThat(codes.keySet()).as("refusals too").hasSizeGreaterThan(1);
  }

  @Test
  void aWarmUp_sendsItsChecks_noneFail_andLeavesTheSidecarsSnapshotAsItWas() throws Exception {
    AuthzSnapshot real = Snapshots.demo();
    SnapshotStore store = new SnapshotStore(s -> {});
    store.swap(real);

    CheckWarmUp.Result result = new CheckWarmUp(2_000, 16, Duration.ofSeconds(30)).run(store, REGION);

    assertThat(result.checks()).isEqualTo(2_000);
    assertThat(result.failures()).isZero();
    assertThat(store.current()).isSameAs(real);
    assertThat(store.current().workspaces()).doesNotContainKey(WarmUpIssuer.WORKSPACE);
  }
}
