package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.routing.Affinity;
import dev.gantry.routing.WorkloadId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The affinity key the sidecar hands the route: the named header's or cookie's value, nothing else. */
class AffinityKeysTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "sid=abc                          | abc",
      "theme=dark; sid=abc; lang=en     | abc",
      "theme=dark;sid=abc               | abc",
      "a=1, sid=abc                     | abc",
      "sid=first; sid=second            | first",
      "xsid=no; sid = spaced            | spaced",
  })
  void cookie_isFoundAmongOthers(String header, String expected) {
    assertThat(AffinityKeys.cookie(header, "sid")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"xsid=no", "sid=", "sid", "=abc", "theme=dark; sids=x"})
  void cookie_absentOrEmpty_isNoKey(String header) {
    assertThat(AffinityKeys.cookie(header, "sid")).isNull();
  }

  @Test
  void decision_carriesTheKey_onlyForAWorkloadThatAskedForIt() {
    WorkloadId sticky = WorkloadId.parse("agt-sticky-demo");
    Map<WorkloadId, WorkloadEntry> workloads = new HashMap<>(Snapshots.demo().workloads());
    workloads.put(sticky, new WorkloadEntry(sticky, true, Set.of("eu-lon-1"), Set.of("eu-lon-1"), "any region", false,
        Map.of(), Affinity.parse("header:X-Session")));
    AuthzSnapshot snapshot = AuthzSnapshot.of(7, Snapshots.LOCAL_CATALOG, Set.of("run.localhost"), workloads,
        TestIssuer.workspaces());
    DecisionEngine engine = new DecisionEngine("eu-lon-1",
        new dev.gantry.authz.credential.JwtAuthenticator((uri, kid) -> null, new VerifiedTokens(2), java.time.Clock.systemUTC()));

    Decision.Allow keyed = (Decision.Allow) engine.decide(snapshot,
        new RequestFacts("agt-sticky-demo.eu-lon-1.run.localhost", "GET", "/", Map.of("x-session", "abc")));
    Decision.Allow unkeyed = (Decision.Allow) engine.decide(snapshot,
        new RequestFacts("agt-sticky-demo.eu-lon-1.run.localhost", "GET", "/", Map.of()));
    Decision.Allow other = (Decision.Allow) engine.decide(snapshot,
        new RequestFacts("agt-echo-demo.eu-lon-1.run.localhost", "GET", "/", Map.of("x-session", "abc")));

    assertThat(keyed.headersToSet()).containsEntry("x-gantry-affinity", "abc");
    assertThat(unkeyed.headersToSet()).doesNotContainKey("x-gantry-affinity");
    assertThat(other.headersToSet()).doesNotContainKey("x-gantry-affinity");
  }
}
