package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A java-control-plane snapshot whose versions are content hashes: of each resource (for delta
 * xDS, {@link HashedResource}) and of each type's whole set (for state-of-the-world,
 * {@link ResourceSetHash}). The library's default version is
 * {@code Object.hashCode()}, which differs between JVMs, so a restarted or second control plane
 * would make Envoy re-apply unchanged resources (docs/architecture.md, "Envoy and library behaviour we rely on").
 * */
public final class ContentVersionedSnapshot extends Snapshot {

  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<ClusterLoadAssignment> endpoints;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;
  private final SnapshotResources<Secret> secrets;
  private final String version;

  private ContentVersionedSnapshot(
      SnapshotResources<Cluster> clusters,
      SnapshotResources<ClusterLoadAssignment> endpoints,
      SnapshotResources<Listener> listeners,
      SnapshotResources<RouteConfiguration> routes,
      SnapshotResources<Secret> secrets) {
    this.clusters = clusters;
    this.endpoints = endpoints;
    this.listeners = listeners;
    this.routes = routes;
    this.secrets = secrets;
    StringBuilder all = new StringBuilder();
    for (SnapshotResources<?> type : List.of(clusters, endpoints, listeners, routes, secrets)) {
      all.append(type.resourceVersionResolver().version(List.of()));
    }
    this.version = HexFormat.of().formatHex(HashedResource.sha256(all.toString().getBytes(StandardCharsets.UTF_8)), 0, 16);
  }

  /** A snapshot of {@code resources}; identical resources give identical versions anywhere. */
  public static ContentVersionedSnapshot of(GatewayResources resources) {
    return of(HashedGatewayResources.of(resources));
  }

  /** A snapshot of resources hashed already (kept from an earlier translation, say). */
  static ContentVersionedSnapshot of(HashedGatewayResources resources) {
    return new ContentVersionedSnapshot(
        TypeResources.of(resources.clusters()),
        TypeResources.of(resources.endpoints()),
        TypeResources.of(resources.listeners()),
        TypeResources.of(resources.routes()),
        TypeResources.of(resources.secrets()));
  }

  /** A snapshot of each type's resources as given. */
  static ContentVersionedSnapshot of(
      TypeResources<Cluster> clusters,
      TypeResources<ClusterLoadAssignment> endpoints,
      TypeResources<Listener> listeners,
      TypeResources<RouteConfiguration> routes,
      TypeResources<Secret> secrets) {
    return new ContentVersionedSnapshot(clusters, endpoints, listeners, routes, secrets);
  }

  /** A hash of every resource: equal exactly when the content is equal. */
  public String contentVersion() {
    return version;
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    return endpoints;
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    return secrets;
  }

  /**
   * The version of each resource type's whole set, by short name: listeners, routes, clusters,
   * endpoints, and secrets where there are any (a gateway without HTTPS asks for none, so it
   * never acknowledges a version of them).
   */
  public Map<String, String> typeVersions() {
    Map<String, String> versions = new java.util.HashMap<>(Map.of(
        "listeners", listeners.resourceVersionResolver().version(List.of()),
        "routes", routes.resourceVersionResolver().version(List.of()),
        "clusters", clusters.resourceVersionResolver().version(List.of()),
        "endpoints", endpoints.resourceVersionResolver().version(List.of())));
    if (!secrets.resources().isEmpty()) {
      versions.put("secrets", secrets.resourceVersionResolver().version(List.of()));
    }
    return Map.copyOf(versions);
  }

  /** The short name of an xDS type URL ({@code ...envoy.config.cluster.v3.Cluster} → clusters), or the URL. */
  public static String shortType(String typeUrl) {
    if (typeUrl.endsWith(".Listener")) {
      return "listeners";
    } else if (typeUrl.endsWith(".RouteConfiguration")) {
      return "routes";
    } else if (typeUrl.endsWith(".Cluster")) {
      return "clusters";
    } else if (typeUrl.endsWith(".ClusterLoadAssignment")) {
      return "endpoints";
    } else if (typeUrl.endsWith(".Secret")) {
      return "secrets";
    }
    return typeUrl;
  }

  /** For logs: resource counts by type. */
  Map<String, Integer> counts() {
    return Map.of(
        "listeners", listeners.resources().size(),
        "routes", routes.resources().size(),
        "clusters", clusters.resources().size(),
        "endpoints", endpoints.resources().size(),
        "secrets", secrets.resources().size());
  }
}
