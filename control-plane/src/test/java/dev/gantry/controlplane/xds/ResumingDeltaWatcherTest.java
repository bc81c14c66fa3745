package dev.gantry.controlplane.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * When a delta stream's Envoy holds a type's current version without a response to ACK: told
 * only for a first wildcard request the cache leaves unanswered, against a published snapshot.
 */
class ResumingDeltaWatcherTest {

  private static final String CLUSTERS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String LISTENERS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String ENDPOINTS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final Node NODE = Node.newBuilder().setId("gw").setLocality(Locality.newBuilder().setRegion("eu-lon-1")).build();

  private final SimpleCache<String> cache = new SimpleCache<>(new RegionNodeGroup());
  private final List<String> told = new ArrayList<>();
  private final List<DeltaResponse> sent = new ArrayList<>();
  private final ResumingDeltaWatcher watcher = new ResumingDeltaWatcher(cache, new RegionNodeGroup(),
      (stream, typeUrl, version) -> told.add(stream + " " + ContentVersionedSnapshot.shortType(typeUrl) + " " + version));

  private static ContentVersionedSnapshot snapshot(String... clusters) {
    return ContentVersionedSnapshot.of(new GatewayResources(List.of(), List.of(),
        Stream.of(clusters).map(name -> Cluster.newBuilder().setName(name).build()).toList(), List.of()));
  }

  private static Map<String, String> versionsOf(ContentVersionedSnapshot snapshot, ResourceType type) {
    Map<String, String> versions = new HashMap<>();
    snapshot.versionedResources(type).forEach((name, resource) -> versions.put(name, ((VersionedResource<?>) resource).version()));
    return versions;
  }

  /** A request on {@code stream}, as the library hands it to the watcher right after the callbacks. */
  private void ask(long stream, String typeUrl, Map<String, String> initial, List<String> named, String requesterVersion) {
    DeltaXdsRequest request = DeltaXdsRequest.create(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(typeUrl)
        .putAllInitialResourceVersions(initial).addAllResourceNamesSubscribe(named).build());
    watcher.onRequest(stream);
    watcher.createDeltaWatch(request, requesterVersion, Map.of(), Set.copyOf(named), named.isEmpty(), sent::add, false);
  }

  @Test
  void anEnvoyReconnectingWithTheClustersPublished_isSentNothing_andToldToHoldTheirVersion() {
    ContentVersionedSnapshot published = snapshot("a@eu-lon-1", "b@eu-lon-1");
    cache.setSnapshot("eu-lon-1", published);

    ask(1, CLUSTERS, versionsOf(published, ResourceType.CLUSTER), List.of(), "");

    assertEquals(List.of(), sent);
    assertEquals(List.of("1 clusters " + published.version(ResourceType.CLUSTER)), told);
  }

  @Test
  void anEnvoyHoldingOtherClusters_isAnswered_andItsAckTells_notTheWatcher() {
    cache.setSnapshot("eu-lon-1", snapshot("a@eu-lon-1", "b@eu-lon-1"));

    ask(1, CLUSTERS, versionsOf(snapshot("a@eu-lon-1", "gone@eu-lon-1"), ResourceType.CLUSTER), List.of(), "");

    assertEquals(1, sent.size());
    assertEquals(List.of("gone@eu-lon-1"), sent.get(0).removedResources());
    assertEquals(List.of(), told);
  }

  @Test
  void anEmptyTypeAskedForTheFirstTime_isHeldAtItsVersion() {
    ContentVersionedSnapshot published = snapshot("a@eu-lon-1");
    cache.setSnapshot("eu-lon-1", published);

    ask(2, LISTENERS, Map.of(), List.of(), "");

    assertEquals(List.of(), sent);
    assertEquals(List.of("2 listeners " + published.version(ResourceType.LISTENER)), told);
  }

  @Test
  void aNamedSubscriptionLeftUnanswered_holdsNothingOfTheSnapshot_andIsNotTold() {
    cache.setSnapshot("eu-lon-1", snapshot("a@eu-lon-1"));

    ask(3, ENDPOINTS, Map.of(), List.of("warming@eu-lon-1"), "");

    assertEquals(List.of(), sent);
    assertEquals(List.of(), told);
  }

  @Test
  void beforeAnySnapshot_nothingIsTold() {
    ask(4, CLUSTERS, Map.of("a@eu-lon-1", "v"), List.of(), "");

    assertEquals(List.of(), told);
  }

  @Test
  void onlyTheFirstRequestOfATypeOnAStream_tells_notTheAcksThatFollow() {
    ContentVersionedSnapshot published = snapshot("a@eu-lon-1");
    cache.setSnapshot("eu-lon-1", published);
    ask(5, CLUSTERS, Map.of(), List.of(), "");
    assertEquals(1, sent.size());

    // The ACK of that response opens the next watch, at the version the Envoy now holds: no
    // answer until a change, and nothing told (the ACK itself is credited by XdsCallbacks).
    ask(5, CLUSTERS, Map.of(), List.of(), published.version(ResourceType.CLUSTER));

    assertEquals(1, sent.size());
    assertEquals(List.of(), told);
  }
}
