package dev.gantry.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.controlplane.TestCertificates;
import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.deploy.NameRules;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.edge.EdgeNames;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.pki.ServingCertificate;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTPS listener, its certificates as secrets, and the plaintext listener's two modes. */
class GatewayEdgeTest {

  private static final Topology LOCAL = TestTopologies.local();
  private static final ServingCertificate CATALOG =
      TestCertificates.forNames(EdgeNames.required(LOCAL).toArray(String[]::new));
  private static final EdgeCertificates EDGE = EdgeCertificates.of(Map.of("local", CATALOG));
  private final XdsTranslator translator = new XdsTranslator(LOCAL);

  @Test
  void catalogNames_coverEveryHostnameForm_ofEveryBaseDomain() {
    assertThat(EdgeNames.required(LOCAL)).containsExactly(
        "*.run.localhost", "*.eu-lon-1.run.localhost", "*.eu-par-1.run.localhost", "*.us-pdx-1.run.localhost",
        "*.eu.run.localhost", "*.us.run.localhost", "legacy.run.localhost");
    assertThat(EdgeNames.uncovered(LOCAL, List.of(CATALOG))).isEmpty();
    assertThat(EdgeNames.uncovered(LOCAL, List.of(TestCertificates.forNames("*.run.localhost"))))
        .containsExactly("*.eu-lon-1.run.localhost", "*.eu-par-1.run.localhost", "*.us-pdx-1.run.localhost",
            "*.eu.run.localhost", "*.us.run.localhost");
  }

  @Test
  void httpsListener_servesTheCatalogCertificateBySni_andByDefault_withModernTls() throws Exception {
    GatewayResources resources = translator.translate(TestTopologies.demoSeed(), EDGE, "eu-lon-1");

    Listener https = listener(resources, GatewayEdge.LISTENER_NAME);
    assertThat(https.getAddress().getSocketAddress().getPortValue()).isEqualTo(10443);
    assertThat(https.getListenerFiltersList()).extracting(f -> f.getName()).containsExactly("envoy.filters.listener.tls_inspector");
    assertThat(https.getFilterChainsList()).hasSize(1);
    assertThat(https.getFilterChains(0).getFilterChainMatch().getServerNamesList()).isEqualTo(CATALOG.dnsNames());
    assertThat(https.getDefaultFilterChain().getName()).isEqualTo("default:local");
    DownstreamTlsContext tls = tls(https.getFilterChains(0));
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2", "http/1.1");
    assertThat(tls.getCommonTlsContext().getTlsParams().getTlsMinimumProtocolVersion().name()).isEqualTo("TLSv1_2");
    assertThat(tls.getCommonTlsContext().getTlsParams().getCipherSuitesList()).allMatch(s -> s.startsWith("ECDHE-"))
        .noneMatch(s -> s.contains("CBC") || s.contains("SHA1"));
    assertThat(tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("edge-catalog-local");
    assertThat(tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getSdsConfig().hasAds()).isTrue();
    // The same connection manager as plaintext: authorization does not depend on the transport.
    assertThat(https.getFilterChains(0).getFilters(0))
        .isEqualTo(listener(resources, GatewayListener.NAME).getFilterChains(0).getFilters(0));
    assertThat(resources.secrets()).hasSize(1);
    assertThat(resources.secrets().getFirst().getTlsCertificate().getPrivateKey().getInlineString()).isEqualTo(CATALOG.keyPem());
  }

  @Test
  void noCertificate_noHttpsListener_andNoSecret() {
    GatewayResources resources = translator.translate(TestTopologies.demoSeed(), "eu-lon-1");
    assertThat(resources.listeners()).extracting(Listener::getName).containsExactly("gateway", "gateway-internal");
    assertThat(resources.secrets()).isEmpty();
  }

  @Test
  void bindingADomain_addsOneChain_leavingTheListenersOtherPartsAsTheyWere() {
    FleetState seed = TestTopologies.demoSeed();
    ServingCertificate acme = TestCertificates.forNames("agents.acme.test");
    FleetState bound = new NameRules(LOCAL).bindDomain(seed, "agents.acme.test", WorkloadId.parse("agt-echo-demo"), null,
        acme, Instant.now());

    Listener before = listener(translator.translate(seed, EDGE, "eu-lon-1"), GatewayEdge.LISTENER_NAME);
    GatewayResources resources = translator.translate(bound, EDGE, "eu-lon-1");
    Listener after = listener(resources, GatewayEdge.LISTENER_NAME);

    assertThat(after.getFilterChainsList()).hasSize(2).containsAll(before.getFilterChainsList());
    FilterChain domain = after.getFilterChainsList().stream().filter(c -> c.getName().equals("domain:agents.acme.test"))
        .findFirst().orElseThrow();
    assertThat(domain.getFilterChainMatch().getServerNamesList()).containsExactly("agents.acme.test");
    // Everything but the chains is unchanged: Envoy updates the chains in place, draining none of the others.
    assertThat(after.toBuilder().clearFilterChains().build()).isEqualTo(before.toBuilder().clearFilterChains().build());
    assertThat(resources.secrets()).extracting(s -> s.getName()).containsExactly("edge-catalog-local", "edge-domain-agents.acme.test");
  }

  @Test
  void renewedCertificate_changesOnlyItsSecret() {
    ServingCertificate renewed = dev.gantry.pki.LocalCa.create("renewal", java.time.Duration.ofDays(1))
        .issueServing(CATALOG.dnsNames(), java.time.Duration.ofDays(1));
    GatewayResources before = translator.translate(TestTopologies.demoSeed(), EDGE, "eu-lon-1");
    GatewayResources after = translator.translate(TestTopologies.demoSeed(), EdgeCertificates.of(Map.of("local", renewed)), "eu-lon-1");

    assertThat(after.listeners()).isEqualTo(before.listeners());
    assertThat(after.secrets()).isNotEqualTo(before.secrets());
    assertThat(after.secrets().getFirst().getTlsCertificate().getCertificateChain().getInlineString())
        .isEqualTo(renewed.chainPem());
  }

  @Test
  void aNameInTwoCertificates_isMatchedByOneChainOnly() {
    ServingCertificate other = TestCertificates.forNames("*.run.localhost", "extra.example");
    GatewayResources resources = translator.translate(TestTopologies.demoSeed(),
        EdgeCertificates.of(Map.of("local", CATALOG, "second", other)), "eu-lon-1");
    Listener https = listener(resources, GatewayEdge.LISTENER_NAME);
    List<String> all = https.getFilterChainsList().stream()
        .flatMap(c -> c.getFilterChainMatch().getServerNamesList().stream()).toList();
    assertThat(all).doesNotHaveDuplicates().contains("*.run.localhost", "extra.example");
  }

  @Test
  void redirectingPlaintext_answers308ToTheHttpsPort_withoutAuthorizing() throws Exception {
    Topology topology = TopologyLoader.load("""
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.5, -0.1],
             gateway: 127.0.0.1:8080, https: 127.0.0.1:8443, internal: 127.0.0.1:11000}
          - {id: eu-par-1, country: FR, continent: EU, coordinates: [48.9, 2.4],
             gateway: 0.0.0.0:80, https: 0.0.0.0:443, internal: 127.0.0.1:11001}
        """, "test");
    XdsTranslator production = new XdsTranslator(topology);
    FleetState empty = FleetState.empty();

    RedirectAction london = redirect(listener(production.translate(empty, "eu-lon-1"), GatewayListener.NAME));
    assertThat(london.getHttpsRedirect()).isTrue();
    assertThat(london.getPortRedirect()).isEqualTo(8443);
    assertThat(london.getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT);
    assertThat(london.getStripQuery()).isFalse();
    // On 443 no port is named: Envoy would write ":443" into the URL.
    assertThat(redirect(listener(production.translate(empty, "eu-par-1"), GatewayListener.NAME)).getPortRedirect()).isZero();
  }

  private static RedirectAction redirect(Listener listener) throws InvalidProtocolBufferException {
    HttpConnectionManager hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName()).containsExactly("envoy.filters.http.router");
    return hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRedirect();
  }

  private static DownstreamTlsContext tls(FilterChain chain) throws InvalidProtocolBufferException {
    return chain.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
  }

  private static Listener listener(GatewayResources resources, String name) {
    return resources.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }
}
