package dev.gantry.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.time.Instant;
import java.time.Duration;
import dev.gantry.controlplane.TestCertificates;
import org.junit.jupiter.api.Test;

class DeploymentsTest {

  private static final LocationPolicy EU = new LocationPolicy(Set.of(), Set.of("EU"), Set.of());
  private static final LocationPolicy US = new LocationPolicy(Set.of("US"), Set.of(), Set.of());

  private final Deployments deployments = new Deployments(TestTopologies.local());
  private final NameRules names = new NameRules(TestTopologies.local());
  private final WorkspaceRules workspaceRules = new WorkspaceRules(TestTopologies.local());
  private final FleetState empty = FleetState.empty();

  private static Workload asked(String id, LocationPolicy policy, String... regions) {
    WorkloadId workloadId = WorkloadId.parse(id);
    return new Workload(workloadId, true, new TreeSet<>(List.of(regions))).withPolicy(policy);
  }

  private FleetState create(FleetState state, Workload workload) {
    return deployments.create(state, new Deployments.Request(workload, null));
  }

  @Test
  void create_agentWithoutRegions_goesToEveryAllowedRegion() {
    assertThat(create(empty, asked("agt-a-demo", LocationPolicy.ANY)).workloads().get(WorkloadId.parse("agt-a-demo")).regions())
        .containsExactly("eu-lon-1", "eu-par-1", "us-pdx-1");
    assertThat(create(empty, asked("mcp-t-demo", EU)).workloads().get(WorkloadId.parse("mcp-t-demo")).regions())
        .containsExactly("eu-lon-1", "eu-par-1");
  }

  @Test
  void create_sandboxWithoutRegion_goesToOneAllowedRegion_nearestToTheAskedOrDefault() {
    WorkloadId box = WorkloadId.parse("sbx-box-demo");
    assertThat(create(empty, asked("sbx-box-demo", LocationPolicy.ANY)).workloads().get(box).regions())
        .as("the catalog's default region").containsExactly("eu-lon-1");
    assertThat(deployments.create(empty, new Deployments.Request(asked("sbx-box-demo", LocationPolicy.ANY), "eu-par-1"))
        .workloads().get(box).regions()).containsExactly("eu-par-1");
    assertThat(create(empty, asked("sbx-box-demo", US)).workloads().get(box).regions())
        .as("the only allowed region").containsExactly("us-pdx-1");
    assertThat(deployments.create(empty, new Deployments.Request(asked("sbx-box-demo", EU), "us-pdx-1"))
        .workloads().get(box).regions()).as("Portland is nearer London than Paris").containsExactly("eu-lon-1");
  }

  @Test
  void create_sandboxInTwoRegions_isRefused() {
    assertThatThrownBy(() -> create(empty, asked("sbx-box-demo", LocationPolicy.ANY, "eu-lon-1", "eu-par-1")))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID))
        .hasMessageContaining("a sandbox runs in exactly one region");
  }

  @Test
  void create_inARegionThePolicyForbids_isRefused_namingPolicyAndAllowed() {
    assertThatThrownBy(() -> create(empty, asked("mcp-t-demo", EU, "eu-lon-1", "us-pdx-1")))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.FORBIDDEN))
        .hasMessageContaining("[us-pdx-1]")
        .hasMessageContaining("continents [EU]")
        .hasMessageContaining("allowed: [eu-lon-1, eu-par-1]");
  }

  @Test
  void create_workspacePolicy_bindsItsWorkloads_andAWorkloadCanOnlyNarrowIt() {
    FleetState euOnly = deployments.setWorkspacePolicy(empty, "demo", EU);

    assertThatThrownBy(() -> create(euOnly, asked("agt-a-demo", LocationPolicy.ANY, "us-pdx-1")))
        .hasMessageContaining("workspace 'demo' allows continents [EU]");
    assertThatThrownBy(() -> create(euOnly, asked("agt-a-demo", US)))
        .as("workspace EU ∩ workload US is empty").hasMessageContaining("no region is allowed");
    assertThat(create(euOnly, asked("agt-a-other", US)).workloads()).containsKey(WorkloadId.parse("agt-a-other"));
  }

  @Test
  void create_unknownRegion_orDuplicate_orPolicyAllowingNothing_isRefused() {
    assertThatThrownBy(() -> create(empty, asked("agt-a-demo", LocationPolicy.ANY, "eu-xxx-9")))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_FOUND));
    FleetState once = create(empty, asked("agt-a-demo", LocationPolicy.ANY));
    assertThatThrownBy(() -> create(once, asked("agt-a-demo", LocationPolicy.ANY)))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.ALREADY_EXISTS));
    assertThatThrownBy(() -> create(empty, asked("agt-a-demo", new LocationPolicy(Set.of("JP"), Set.of(), Set.of()))))
        .hasMessageContaining("allows no region");
    assertThatThrownBy(() -> create(empty, asked("agt-a-demo", new LocationPolicy(Set.of(), Set.of("XX"), Set.of()))))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID));
  }

  @Test
  void setPolicy_thatWouldForbidWhereAWorkloadRuns_isRefused_andChangesNothing() {
    FleetState deployed = create(empty, asked("agt-a-demo", LocationPolicy.ANY));

    assertThatThrownBy(() -> deployments.setWorkspacePolicy(deployed, "demo", EU))
        .hasMessageContaining("agt-a-demo' is deployed to [us-pdx-1]");
    assertThatThrownBy(() -> deployments.setWorkloadPolicy(deployed, WorkloadId.parse("agt-a-demo"), EU))
        .hasMessageContaining("[us-pdx-1]");
    assertThat(deployed.workspacePolicy("demo")).isEqualTo(LocationPolicy.ANY);
  }

  @Test
  void addReplica_onlyWhereDeployed() {
    FleetState deployed = create(empty, asked("mcp-t-demo", EU));
    WorkloadId id = WorkloadId.parse("mcp-t-demo");

    assertThatThrownBy(() -> deployments.addReplica(deployed, new Replica(id, "us-pdx-1", HostPort.parse("127.0.0.1:1"))))
        .hasMessageContaining("not deployed to 'us-pdx-1'");
    FleetState added = deployments.addReplica(deployed, new Replica(id, "eu-par-1", HostPort.parse("127.0.0.1:1")));
    assertThat(added.replicas()).hasSize(1);
    assertThat(deployments.addReplica(added, new Replica(id, "eu-par-1", HostPort.parse("127.0.0.1:1")))).isSameAs(added);
  }

  @Test
  void delete_removesReplicasToo() {
    WorkloadId id = WorkloadId.parse("mcp-t-demo");
    FleetState withReplica = deployments.addReplica(create(empty, asked("mcp-t-demo", EU)),
        new Replica(id, "eu-par-1", HostPort.parse("127.0.0.1:1")));

    FleetState deleted = deployments.delete(withReplica, id);

    assertThat(deleted.workloads()).isEmpty();
    assertThat(deleted.replicas()).isEmpty();
    assertThatThrownBy(() -> deployments.delete(deleted, id)).hasMessageContaining("does not exist");
  }

  @Test
  void namesOfADeletedWorkload_goWithIt() {
    WorkloadId id = WorkloadId.parse("agt-a-demo");
    FleetState named = names.bindDomain(
        names.addAlias(create(empty, asked("agt-a-demo", LocationPolicy.ANY)), WorkloadId.parse("agt-old-demo"), id),
        "a.acme.example", id, "eu", TestCertificates.forNames("a.acme.example"), Instant.now());

    assertThat(named.routing().aliases()).containsKey(WorkloadId.parse("agt-old-demo"));
    assertThat(named.routing().customDomains()).containsKey("a.acme.example");
    FleetState deleted = deployments.delete(named, id);
    assertThat(deleted.routing().aliases()).isEmpty();
    assertThat(deleted.routing().customDomains()).isEmpty();
  }

  @Test
  void bindDomain_refusesBadOrTakenNames() {
    WorkloadId id = WorkloadId.parse("agt-a-demo");
    FleetState deployed = create(empty, asked("agt-a-demo", LocationPolicy.ANY, "eu-lon-1"));

    assertThatThrownBy(() -> names.bindDomain(deployed, "localhost", id, null, CERT, Instant.now())).hasMessageContaining("expected: a hostname");
    assertThatThrownBy(() -> names.bindDomain(deployed, "a_b.example", id, null, CERT, Instant.now())).hasMessageContaining("expected: a hostname");
    assertThatThrownBy(() -> names.bindDomain(deployed, "x.run.localhost", id, null, CERT, Instant.now())).hasMessageContaining("base domain");
    assertThatThrownBy(() -> names.bindDomain(deployed, "a.example", id, "mars", CERT, Instant.now())).hasMessageContaining("neither a region nor a group");
    assertThatThrownBy(() -> names.bindDomain(deployed, "a.example", id, "us", CERT, Instant.now())).hasMessageContaining("not deployed");
    FleetState bound = names.bindDomain(deployed, "A.Example.", id, null, CERT, Instant.now());
    assertThat(bound.routing().customDomains()).containsKey("a.example");
    assertThatThrownBy(() -> names.bindDomain(bound, "a.example", id, null, CERT, Instant.now()))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.ALREADY_EXISTS));
  }

  private static final dev.gantry.pki.ServingCertificate CERT = TestCertificates.forNames("a.example", "*.example");

  @Test
  void bindDomain_refusesAMissingCertificate_oneForOtherNames_andAnExpiredOne() {
    WorkloadId id = WorkloadId.parse("agt-a-demo");
    FleetState deployed = create(empty, asked("agt-a-demo", LocationPolicy.ANY, "eu-lon-1"));

    assertThatThrownBy(() -> names.bindDomain(deployed, "a.example", id, null, null, Instant.now()))
        .hasMessageContaining("needs a certificate");
    assertThatThrownBy(() -> names.bindDomain(deployed, "b.acme.example", id, null, CERT, Instant.now()))
        .hasMessageStartingWith("certificate-name-mismatch");
    assertThatThrownBy(() -> names.bindDomain(deployed, "a.example", id, null, CERT, Instant.now().plus(Duration.ofDays(2))))
        .hasMessageStartingWith("certificate-expired");

    FleetState bound = names.bindDomain(deployed, "a.example", id, null, CERT, Instant.now());
    assertThat(bound.routing().customDomains().get("a.example").certificate()).isEqualTo(CERT);
    dev.gantry.pki.ServingCertificate renewed = TestCertificates.forNames("a.example");
    assertThat(names.setDomainCertificate(bound, "A.example", renewed, Instant.now()).routing().customDomains()
        .get("a.example").certificate()).isEqualTo(renewed);
    assertThatThrownBy(() -> names.setDomainCertificate(bound, "a.example", TestCertificates.forNames("c.example"),
        Instant.now())).hasMessageStartingWith("certificate-name-mismatch");
    assertThatThrownBy(() -> names.setDomainCertificate(bound, "z.example", CERT, Instant.now()))
        .hasMessageContaining("not bound");
  }
}
