package dev.gantry.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.routing.HostPort;
import dev.gantry.controlplane.model.GatewaySite;
import org.junit.jupiter.api.Test;

class TopologyLoaderTest {

  private static final String ONE_REGION = """
      regions:
        - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.5, -0.1],
           gateway: 127.0.0.1:10000, internal: 127.0.0.1:11000}
      """;

  @Test
  void load_sharedLocalCatalog_resolvesGroupsAndDefaults() throws Exception {
    Topology topology = TopologyLoader.load(TestTopologies.resource("scenarios/local-regions.yaml"), "local-regions.yaml");

    assertThat(topology.catalog().regions()).containsOnlyKeys("eu-lon-1", "eu-par-1", "us-pdx-1");
    assertThat(topology.catalog().regionsNamedBy("eu")).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    assertThat(topology.catalog().regionsNamedBy("us")).containsExactly("us-pdx-1");
    assertThat(topology.baseDomains()).containsExactly("run.localhost");
    assertThat(topology.sites().get("eu-par-1").gateway()).isEqualTo(new HostPort("127.0.0.1", 10001));
    assertThat(topology.sites().get("eu-par-1").authz())
        .isEqualTo(dev.gantry.routing.SidecarAddress.parse(TopologyLoader.DEFAULT_AUTHZ));
  }

  @Test
  void load_embeddedDefaults_reachEachSidecarOverAUnixSocket_andTcpCanBeNamed() throws Exception {
    Topology topology = TestTopologies.local();

    assertThat(topology.sites().values()).extracting(s -> s.authz().toString())
        .containsOnly("unix:authz.sock");
    Topology tcp = TopologyLoader.load(ONE_REGION.replace("gateway: ", "authz: 127.0.0.1:10999, gateway: "), "f.yaml");
    assertThat(tcp.sites().values()).extracting(s -> s.authz().toString()).containsExactly("127.0.0.1:10999");
    assertThatThrownBy(() -> TopologyLoader.load(ONE_REGION.replace("gateway: ", "authz: nowhere, gateway: "), "f.yaml"))
        .hasMessageContaining("expected: unix:<socket path> or host:port");
  }

  @Test
  void load_unknownContinent_namesEntryAndChoices() {
    assertThatThrownBy(() -> TopologyLoader.load(ONE_REGION.replace("continent: EU", "continent: XX"), "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("f.yaml:2: regions[0] (eu-lon-1).continent: 'XX'")
        .hasMessageContaining("expected: one of [AF, AN, AS, EU, NA, OC, SA]");
  }

  @Test
  void load_errorInBlockStyle_namesTheLineOfTheEntry() {
    String yaml = """
        regions:
          - id: eu-lon-1
            country: GB
            continent: EU
            coordinates: [51.5, -0.1]
            gateway: 127.0.0.1:10000
            internal: 127.0.0.1:11000
          - id: us-pdx-1
            country: usa
            continent: NA
            coordinates: [45.5, -122.7]
            gateway: 127.0.0.1:10002
            internal: 127.0.0.1:11002
        """;
    assertThatThrownBy(() -> TopologyLoader.load(yaml, "regions.yaml"))
        .hasMessageStartingWith("regions.yaml:9: regions[1] (us-pdx-1).country: 'usa'");
  }

  @Test
  void load_duplicateRegion_isRefused() {
    String twice = ONE_REGION + ONE_REGION.substring("regions:\n".length());
    assertThatThrownBy(() -> TopologyLoader.load(twice, "f.yaml"))
        .hasMessageContaining("f.yaml:4: regions[1].id: region 'eu-lon-1' is defined twice");
  }

  private static final String TWO_REGIONS = ONE_REGION + """
        - {id: eu-par-1, country: FR, continent: EU, coordinates: [48.9, 2.4],
           gateway: 127.0.0.1:10001, internal: 127.0.0.1:11001}
      """;

  @Test
  void load_twoGatewaysOnOneAddress_wouldForwardToEachOther_isRefused() {
    assertThatThrownBy(() -> TopologyLoader.load(TWO_REGIONS.replace("internal: 127.0.0.1:11001", "internal: 127.0.0.1:10000"), "f.yaml"))
        .hasMessageContaining("f.yaml:5: regions[1] (eu-par-1).internal")
        .hasMessageContaining("the address 127.0.0.1:10000 of eu-lon-1.gateway")
        .hasMessageContaining("forward to each other");
  }

  @Test
  void load_groupNamingUnknownRegion_namesTheLine() {
    assertThatThrownBy(() -> TopologyLoader.load(TWO_REGIONS + "groups:\n  west: {regions: [eu-lon-1, eu-xxx-9]}\n", "f.yaml"))
        .hasMessageContaining("f.yaml:7: groups.west.regions: 'eu-xxx-9'");
  }

  @Test
  void load_defaultRegion_isTheFirstUnlessNamed_andMustExist() throws Exception {
    assertThat(TopologyLoader.load(TWO_REGIONS, "f.yaml").defaultRegion()).isEqualTo("eu-lon-1");
    assertThat(TopologyLoader.load(TWO_REGIONS + "default_region: eu-par-1\n", "f.yaml").defaultRegion()).isEqualTo("eu-par-1");
    assertThatThrownBy(() -> TopologyLoader.load(TWO_REGIONS + "default_region: us-pdx-1\n", "f.yaml"))
        .hasMessageContaining("f.yaml:6: default_region: 'us-pdx-1'");
  }

  @Test
  void load_groupNamedLikeRegion_isAmbiguous() {
    assertThatThrownBy(() -> TopologyLoader.load(ONE_REGION + "groups:\n  eu-lon-1: {continents: [EU]}\n", "f.yaml"))
        .hasMessageContaining("f.yaml:5: groups.eu-lon-1")
        .hasMessageContaining("unambiguous");
  }

  @Test
  void load_badAddress_namesField() {
    assertThatThrownBy(() -> TopologyLoader.load(ONE_REGION.replace("127.0.0.1:10000", "nowhere"), "f.yaml"))
        .hasMessageContaining("regions[0] (eu-lon-1).gateway")
        .hasMessageContaining("expected: host:port");
  }

  @Test
  void load_https_redirectsPlaintextByDefault_servesWhenAsked_andNeedsAPublicListener() throws Exception {
    String https = ONE_REGION.replace("gateway: 127.0.0.1:10000", "gateway: 127.0.0.1:10000, https: 127.0.0.1:10443");
    GatewaySite site = TopologyLoader.load(https, "f.yaml").sites().get("eu-lon-1");
    assertThat(site.https()).isEqualTo(new HostPort("127.0.0.1", 10443));
    assertThat(site.plaintext()).isEqualTo(GatewaySite.Plaintext.REDIRECT);
    assertThat(TopologyLoader.load("plaintext: serve\n" + https, "f.yaml").sites().get("eu-lon-1").plaintext())
        .isEqualTo(GatewaySite.Plaintext.SERVE);
    assertThat(TopologyLoader.load(ONE_REGION, "f.yaml").sites().get("eu-lon-1").plaintext())
        .as("no https: plaintext serves").isEqualTo(GatewaySite.Plaintext.SERVE);
    GatewaySite httpsOnly = TopologyLoader.load(ONE_REGION.replace("gateway: 127.0.0.1:10000", "https: 127.0.0.1:10443"), "f.yaml")
        .sites().get("eu-lon-1");
    assertThat(httpsOnly.gateway()).isNull();
    assertThat(httpsOnly.listeners()).containsOnlyKeys("https", "internal");

    assertThatThrownBy(() -> TopologyLoader.load("plaintext: redirect\n" + ONE_REGION, "f.yaml"))
        .hasMessageContaining("no https listener to redirect plaintext to");
    assertThatThrownBy(() -> TopologyLoader.load("plaintext: sometimes\n" + https, "f.yaml"))
        .hasMessageContaining("plaintext: 'sometimes'").hasMessageContaining("serve or redirect");
    assertThatThrownBy(() -> TopologyLoader.load(ONE_REGION.replace("gateway: 127.0.0.1:10000, ", ""), "f.yaml"))
        .hasMessageContaining("no public listener");
    assertThatThrownBy(() -> TopologyLoader.load(https.replace("10443", "11000"), "f.yaml"))
        .hasMessageContaining("every gateway listener needs its own");
  }

  @Test
  void load_notYaml_isRefusedClearly() {
    assertThatThrownBy(() -> TopologyLoader.load("regions: [unclosed", "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("f.yaml: not valid YAML");
  }
}
