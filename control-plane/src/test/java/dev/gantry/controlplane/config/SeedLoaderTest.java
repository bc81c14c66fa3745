package dev.gantry.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.StreamLimits;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.Product;
import java.time.Duration;
import dev.gantry.routing.WorkloadId;
import org.junit.jupiter.api.Test;

class SeedLoaderTest {

  @Test
  void load_embeddedDemoSeed() {
    FleetState seed = TestTopologies.demoSeed();

    assertThat(seed.workloads()).containsKey(WorkloadId.parse("agt-echo-demo"));
    assertThat(seed.workloads().get(WorkloadId.parse("agt-echo-demo")).isPublic()).isTrue();
    assertThat(seed.replicas()).as("the demo processes register themselves").isEmpty();
    assertThat(seed.workloads().get(WorkloadId.parse("agt-echo-demo")).regions())
        .containsExactly("eu-lon-1", "eu-par-1", "us-pdx-1");
    assertThat(seed.workloads().get(WorkloadId.parse("mcp-tools-demo")).regions()).containsExactly("eu-lon-1", "eu-par-1");
    assertThat(seed.workloads().get(WorkloadId.parse("sbx-box-demo")).regions()).containsExactly("eu-par-1");
    assertThat(seed.workspaces()).containsOnlyKeys("demo", "other");
    assertThat(seed.workspaces().get("demo").jwtIssuers().get(0).issuer()).isEqualTo("http://127.0.0.1:18099/demo");
    assertThat(seed.workloads().get(WorkloadId.parse("agt-private-demo")).isPublic()).isFalse();
    Workload grpc = seed.workloads().get(WorkloadId.parse("agt-grpc-echo-demo"));
    assertThat(grpc.protocol()).isEqualTo(Protocol.HTTP2);
    assertThat(grpc.maxStreamDuration()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void load_streamLimitAndProtocol_areRead_defaultsByProduct() throws Exception {
    FleetState seed = SeedLoader.load("""
        workloads:
          - {id: agt-a-demo, regions: [eu-lon-1], max_stream_duration: 10m, protocol: http2}
          - {id: sbx-b-demo, regions: [eu-lon-1]}
        """, "s.yaml", TestTopologies.local());

    Workload agent = seed.workloads().get(WorkloadId.parse("agt-a-demo"));
    assertThat(agent.maxStreamDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(agent.protocol()).isEqualTo(Protocol.HTTP2);
    Workload sandbox = seed.workloads().get(WorkloadId.parse("sbx-b-demo"));
    assertThat(sandbox.maxStreamDuration()).isEqualTo(StreamLimits.defaultFor(Product.SANDBOX));
    assertThat(sandbox.protocol()).isEqualTo(Protocol.HTTP1);
  }

  @Test
  void load_badStreamLimitOrProtocol_isRefusedSayingWhatIsExpected() {
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-a-demo, regions: [eu-lon-1], max_stream_duration: forever}\n", "s.yaml", TestTopologies.local()))
        .hasMessageContaining("duration 'forever' (expected: a whole number with s, m or h");
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-a-demo, regions: [eu-lon-1], protocol: http3}\n", "s.yaml", TestTopologies.local()))
        .hasMessageContaining("protocol 'http3' (expected: http1 or http2)");
  }

  @Test
  void load_unknownRegion_isRefusedNamingCatalog() {
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-a-demo, regions: [mars-1]}\n", "s.yaml", TestTopologies.local()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s.yaml:2: workloads[0] (agt-a-demo): region 'mars-1' is not in the catalog")
        .hasMessageContaining("eu-lon-1");
  }

  @Test
  void load_malformedId_isRefusedWithGrammarReason() {
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-demo, regions: [eu-lon-1]}\n", "s.yaml", TestTopologies.local()))
        .hasMessageContaining("missing-workspace");
  }

  @Test
  void load_replicaOutsideDeployment_isRefused() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - id: agt-a-demo
            regions: [eu-lon-1]
            replicas: [{region: eu-par-1, address: 127.0.0.1:1}]
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:4: workloads[0] (agt-a-demo).replicas[0]")
        .hasMessageContaining("not deployed to 'eu-par-1'");
  }

  @Test
  void load_badIssuer_isRefusedNamingTheEntry() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workspaces:
          - id: demo
            jwt_issuers: [{issuer: x, jwks_uri: "ftp://keys", audiences: [gantry]}]
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:2: workspaces[0]: jwks_uri 'ftp://keys'")
        .hasMessageContaining("expected: an http or https URL");
    assertThatThrownBy(() -> SeedLoader.load("""
        workspaces:
          - id: demo
            jwt_issuers: [{issuer: x, jwks_uri: "https://keys", audiences: []}]
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("no audience");
  }

  @Test
  void load_duplicateWorkload_isRefused() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - {id: agt-a-demo, regions: [eu-lon-1]}
          - {id: agt-a-demo, regions: [eu-par-1]}
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:3").hasMessageContaining("already exists");
  }

  @Test
  void load_placementRefused_namesTheLine_andWhy() {
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - {id: agt-a-demo}
          - id: mcp-t-demo
            policy: {continents: [EU]}
            regions: [us-pdx-1]
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:3: workloads[1] (mcp-t-demo)")
        .hasMessageContaining("may not be deployed to [us-pdx-1]");
    assertThatThrownBy(() -> SeedLoader.load("""
        workloads:
          - {id: sbx-b-demo, regions: [eu-lon-1, eu-par-1]}
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("exactly one region");
    assertThatThrownBy(() -> SeedLoader.load("""
        workspaces:
          - {id: demo, policy: {continent: [EU]}}
        """, "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:2: workspaces[0]: Cannot find field: continent in message gantry.fleet.v1.LocationPolicy");
  }

  @Test
  void load_aWorkloadsFieldsAreTheFleetSchemas_labelsIncluded() throws Exception {
    FleetState seed = SeedLoader.load("""
        workloads:
          - id: agt-a-demo
            regions: [eu-lon-1]
            labels: {team: search, tier: gold}
            send_labels: true
        """, "s.yaml", TestTopologies.local());

    Workload agent = seed.workloads().get(WorkloadId.parse("agt-a-demo"));
    assertThat(agent.labels()).containsExactly(java.util.Map.entry("team", "search"), java.util.Map.entry("tier", "gold"));
    assertThat(agent.sendLabels()).isTrue();
    assertThatThrownBy(() -> SeedLoader.load(
        "workloads:\n  - {id: agt-a-demo, regions: [eu-lon-1], labels: {Bad: x}}\n", "s.yaml", TestTopologies.local()))
        .hasMessageContaining("s.yaml:2: workloads[0]: label 'Bad=x'");
  }
}
