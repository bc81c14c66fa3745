package dev.gantry.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Golden test: the resources for the local stack's eu-lon-1 gateway, as JSON, against
 * {@code src/test/resources/golden/eu-lon-1.json}. A deliberate change regenerates it with
 * {@code ./mvnw -pl control-plane test -Dgantry.updateGolden=true}; review the diff.
 */
class XdsTranslatorTest {

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer()
          .usingTypeRegistry(TypeRegistry.newBuilder()
              .add(HttpConnectionManager.getDescriptor())
              .add(ExtAuthz.getDescriptor())
              .add(Router.getDescriptor())
              .add(HttpProtocolOptions.getDescriptor())
              .add(PreviousHostsPredicate.getDescriptor())
              .add(StdoutAccessLog.getDescriptor())
              .add(ReqWithoutQuery.getDescriptor())
              .add(PreviousPrioritiesConfig.getDescriptor())
              .add(ExtAuthzPerRoute.getDescriptor())
              .add(io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor.getDescriptor())
              .add(io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute.getDescriptor())
              .add(io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession.getDescriptor())
              .add(dev.gantry.proto.envoy.envelope.v3.EnvelopeSessionState.getDescriptor())
              .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor())
              .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor())
              .build());

  private final XdsTranslator translator = new XdsTranslator(TestTopologies.local());

  private static String json(GatewayResources resources) throws Exception {
    List<Message> all = new ArrayList<>();
    all.addAll(resources.listeners());
    all.addAll(resources.routes());
    all.addAll(resources.clusters());
    all.addAll(resources.endpoints());
    StringBuilder out = new StringBuilder();
    for (Message message : all) {
      out.append("# ").append(message.getDescriptorForType().getFullName()).append('\n')
          .append(JSON.print(message)).append('\n');
    }
    return out.toString();
  }

  @Test
  void translate_localDemo_matchesGolden() throws Exception {
    String actual = json(translator.translate(TestTopologies.demoSeed(), "eu-lon-1"));

    Path golden = Path.of("src/test/resources/golden/eu-lon-1.json");
    if (Boolean.getBoolean("gantry.updateGolden")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual)
        .as("xDS resources changed; if deliberate, regenerate with -Dgantry.updateGolden=true and review the diff")
        .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @Test
  void translate_sameState_givesByteIdenticalSnapshot() {
    ContentVersionedSnapshot a = ContentVersionedSnapshot.of(translator.translate(TestTopologies.demoSeed(), "eu-lon-1"));
    ContentVersionedSnapshot b = ContentVersionedSnapshot.of(new XdsTranslator(TestTopologies.local())
        .translate(TestTopologies.demoSeed(), "eu-lon-1"));

    assertThat(a.contentVersion()).isEqualTo(b.contentVersion());
    assertThat(a.clusters().versionedResources().get("agt-echo-demo@eu-lon-1").version())
        .isEqualTo(b.clusters().versionedResources().get("agt-echo-demo@eu-lon-1").version());
  }

  @Test
  void translate_replicaChange_changesOnlyEndpoints() {
    FleetState seed = TestTopologies.demoSeed();
    List<Replica> more = new ArrayList<>(seed.replicas());
    more.add(new Replica(WorkloadId.parse("agt-echo-demo"), "eu-lon-1", new HostPort("127.0.0.1", 18081)));
    FleetState scaled = seed.withWorkloads(seed.workloads(), more);

    ContentVersionedSnapshot before = ContentVersionedSnapshot.of(translator.translate(seed, "eu-lon-1"));
    ContentVersionedSnapshot after = ContentVersionedSnapshot.of(translator.translate(scaled, "eu-lon-1"));

    assertThat(after.listeners().version()).isEqualTo(before.listeners().version());
    assertThat(after.routes().version()).isEqualTo(before.routes().version());
    assertThat(after.clusters().version()).isEqualTo(before.clusters().version());
    assertThat(after.endpoints().version()).isNotEqualTo(before.endpoints().version());
  }

  @Test
  void translate_newWorkload_leavesListenerAndRoutesUntouched() {
    FleetState seed = TestTopologies.demoSeed();
    Map<WorkloadId, Workload> workloads = new java.util.HashMap<>(seed.workloads());
    WorkloadId id = WorkloadId.parse("mcp-new-demo");
    workloads.put(id, new Workload(id, true, new TreeSet<>(List.of("eu-lon-1"))));

    ContentVersionedSnapshot before = ContentVersionedSnapshot.of(translator.translate(seed, "eu-lon-1"));
    ContentVersionedSnapshot after = ContentVersionedSnapshot.of(
        translator.translate(seed.withWorkloads(workloads, seed.replicas()), "eu-lon-1"));

    assertThat(after.listeners().version()).isEqualTo(before.listeners().version());
    assertThat(after.routes().version()).isEqualTo(before.routes().version());
    assertThat(after.clusters().resources()).containsKey("mcp-new-demo@eu-lon-1");
  }

  @Test
  void translate_withTracing_bothListenersTraceToTheCollector_overMutualTls_andStayPutAcrossWrites() throws Exception {
    XdsTranslator traced = new XdsTranslator(TestTopologies.local(), new GatewayTracing(new HostPort("127.0.0.1", 4317), 12.5));
    FleetState seed = TestTopologies.demoSeed();
    GatewayResources resources = traced.translate(seed, "eu-lon-1");

    for (String listener : List.of("gateway", "gateway-internal")) {
      HttpConnectionManager hcm = resources.listeners().stream().filter(l -> l.getName().equals(listener)).findFirst().orElseThrow()
          .getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
      HttpConnectionManager.Tracing tracing = hcm.getTracing();
      assertThat(tracing.getProvider().getName()).as(listener).isEqualTo("envoy.tracers.opentelemetry");
      var otel = tracing.getProvider().getTypedConfig().unpack(io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig.class);
      assertThat(otel.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo("gantry-traces");
      assertThat(otel.getServiceName()).isEqualTo("gantry-gateway");
      assertThat(tracing.getRandomSampling().getValue()).isEqualTo(12.5);
      assertThat(tracing.getClientSampling().getValue()).as("x-client-trace-id forces nothing").isZero();
      assertThat(tracing.getCustomTags(0).getTag()).isEqualTo("gantry.region");
      assertThat(tracing.getCustomTags(0).getLiteral().getValue()).isEqualTo("eu-lon-1");
    }
    var collector = resources.clusters().stream().filter(c -> c.getName().equals("gantry-traces")).findFirst().orElseThrow();
    var tls = collector.getTransportSocket().getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.class).getCommonTlsContext();
    assertThat(tls.getTlsCertificateSdsSecretConfigs(0).getName()).as("the gateway's own certificate").isEqualTo("gantry-gateway-identity");
    assertThat(tls.getCombinedValidationContext().getDefaultValidationContext().getMatchTypedSubjectAltNames(0).getMatcher()
        .getPrefix()).as("only a collector's certificate").isEqualTo("spiffe://gantry/collector/");
    assertThat(collector.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getPortValue()).isEqualTo(4317);

    List<Replica> more = new ArrayList<>(seed.replicas());
    more.add(new Replica(WorkloadId.parse("agt-echo-demo"), "eu-lon-1", new HostPort("127.0.0.1", 18081)));
    assertThat(ContentVersionedSnapshot.of(traced.translate(seed.withWorkloads(seed.workloads(), more), "eu-lon-1"))
        .listeners().version()).isEqualTo(ContentVersionedSnapshot.of(resources).listeners().version());
    // Without a collector, nothing of it: the golden file above is the untraced config.
    assertThat(translator.translate(seed, "eu-lon-1").clusters()).noneMatch(c -> c.getName().equals("gantry-traces"));
    assertThatThrownBy(() -> new GatewayTracing(new HostPort("127.0.0.1", 4317), 101)).hasMessageContaining("expected: 0 to 100");
    assertThat(collector.getType()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC);
    // A collector named by host name: resolved by Envoy, which refuses a STATIC cluster that is not an IP address.
    var named = new XdsTranslator(TestTopologies.local(), new GatewayTracing(new HostPort("jaeger.internal", 4317), 1))
        .translate(seed, "eu-lon-1").clusters().stream().filter(c -> c.getName().equals("gantry-traces")).findFirst().orElseThrow();
    assertThat(named.getType()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STRICT_DNS);
  }

  @Test
  void translate_otherRegion_forwardsToTheDeployedRegionsGateway() {
    GatewayResources paris = translator.translate(TestTopologies.demoSeed(), "eu-par-1");

    assertThat(paris.clusters()).extracting(c -> c.getName()).contains("gantry-authz", "agt-echo-demo@eu-lon-1");
    ClusterLoadAssignment echo = endpoints(paris, "agt-echo-demo@eu-lon-1");
    assertThat(echo.getEndpointsList()).hasSize(1);
    assertThat(echo.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue())
        .as("eu-lon-1's internal listener").isEqualTo(11000);
    assertThat(paris.listeners()).extracting(l -> l.getAddress().getSocketAddress().getPortValue())
        .containsExactly(10001, 11001);
  }

  private static ClusterLoadAssignment endpoints(GatewayResources resources, String cluster) {
    return resources.endpoints().stream().filter(e -> e.getClusterName().equals(cluster)).findFirst().orElseThrow();
  }

  /** Region of each priority, and the first endpoint's port and health. */
  private static List<String> tiers(ClusterLoadAssignment assignment) {
    List<String> tiers = new ArrayList<>();
    for (LocalityLbEndpoints locality : assignment.getEndpointsList()) {
      tiers.add(locality.getPriority() + ":" + locality.getLocality().getRegion() + ":"
          + locality.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue() + ":"
          + locality.getLbEndpoints(0).getHealthStatus());
    }
    return tiers;
  }

  @Test
  void translate_multiRegionWorkload_localReplicasFirst_thenPeerGatewaysNearestFirst() {
    WorkloadId id = WorkloadId.parse("agt-multi-demo");
    FleetState state = withWorkload(new Workload(id, true, new TreeSet<>(List.of("eu-lon-1", "eu-par-1", "us-pdx-1"))),
        new Replica(id, "eu-lon-1", HostPort.parse("127.0.0.1:18080")),
        new Replica(id, "us-pdx-1", HostPort.parse("127.0.0.1:18082")));

    GatewayResources london = translator.translate(state, "eu-lon-1");
    assertThat(tiers(endpoints(london, "agt-multi-demo@eu-lon-1+eu-par-1")))
        .containsExactly("0:eu-lon-1:18080:UNKNOWN", "1:eu-par-1:11001:UNHEALTHY");
    assertThat(tiers(endpoints(london, "agt-multi-demo@eu-lon-1+eu-par-1+us-pdx-1")))
        .containsExactly("0:eu-lon-1:18080:UNKNOWN", "1:eu-par-1:11001:UNHEALTHY", "2:us-pdx-1:11002:UNKNOWN");
    assertThat(tiers(endpoints(london, "agt-multi-demo@eu-lon-1"))).containsExactly("0:eu-lon-1:18080:UNKNOWN");

    GatewayResources portland = translator.translate(state, "us-pdx-1");
    assertThat(tiers(endpoints(portland, "agt-multi-demo@eu-lon-1+eu-par-1")))
        .as("London is nearer to Portland than Paris")
        .containsExactly("0:eu-lon-1:11000:UNKNOWN", "1:eu-par-1:11001:UNHEALTHY");
  }

  @Test
  void translate_noLocalReplica_leavesOnlyThePeers() {
    WorkloadId id = WorkloadId.parse("agt-multi-demo");
    FleetState state = withWorkload(new Workload(id, true, new TreeSet<>(List.of("eu-lon-1", "eu-par-1"))),
        new Replica(id, "eu-par-1", HostPort.parse("127.0.0.1:18081")));

    assertThat(tiers(endpoints(translator.translate(state, "eu-lon-1"), "agt-multi-demo@eu-lon-1+eu-par-1")))
        .containsExactly("0:eu-par-1:11001:UNKNOWN");
    assertThat(endpoints(translator.translate(state, "eu-lon-1"), "agt-multi-demo@eu-lon-1").getEndpointsList())
        .isEmpty();
  }

  @Test
  void translate_policy_keepsForbiddenRegionsOutOfEveryCluster() {
    WorkloadId id = WorkloadId.parse("mcp-tools-demo");
    FleetState state = withWorkload(new Workload(id, true, new TreeSet<>(List.of("eu-lon-1", "eu-par-1", "us-pdx-1")))
            .withPolicy(new dev.gantry.routing.LocationPolicy(java.util.Set.of(), java.util.Set.of("EU"), java.util.Set.of())));

    assertThat(translator.translate(state, "us-pdx-1").clusters()).extracting(c -> c.getName())
        .filteredOn(n -> n.startsWith("mcp-tools-demo"))
        .containsExactlyInAnyOrder("mcp-tools-demo@eu-lon-1+eu-par-1", "mcp-tools-demo@eu-lon-1", "mcp-tools-demo@eu-par-1");
  }

  private static FleetState withWorkload(Workload workload, Replica... replicas) {
    return new FleetState(1, Map.of(), Map.of(workload.id(), workload), List.of(replicas));
  }

  @Test
  void translate_workloadProtocolAndStreamLimit_areTheClustersOwn() throws Exception {
    GatewayResources resources = translator.translate(TestTopologies.demoSeed(), "eu-lon-1");
    HttpProtocolOptions grpc = resources.clusters().stream()
        .filter(c -> c.getName().equals("agt-grpc-echo-demo@eu-lon-1")).findFirst().orElseThrow()
        .getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class);

    assertThat(grpc.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(grpc.getCommonHttpProtocolOptions().getMaxStreamDuration().getSeconds()).isEqualTo(3600);
  }

  @Test
  void translate_unknownRegion_isRefused() {
    assertThatThrownBy(() -> translator.translate(TestTopologies.demoSeed(), "mars-1"))
        .hasMessageContaining("'mars-1' is not in the catalog");
  }
}
