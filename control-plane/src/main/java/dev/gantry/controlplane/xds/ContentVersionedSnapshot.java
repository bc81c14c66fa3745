package dev.gantry.controlplane.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A java-control-plane snapshot whose versions are content hashes: of each resource (for delta
 * xDS) and of each type's whole set (for state-of-the-world). The library's default version is
 * {@code Object.hashCode()}, which differs between JVMs, so a restarted or second control plane
 * would make Envoy re-apply unchanged resources (docs/architecture.md, "Envoy and library behaviour we rely on").
 */
public final class ContentVersionedSnapshot extends Snapshot {

  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<ClusterLoadAssignment> endpoints;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;
  private final SnapshotResources<Secret> secrets;
  private final String version;

  private ContentVersionedSnapshot(GatewayResources resources) {
    this.clusters = versioned(resources.clusters());
    this.endpoints = versioned(resources.endpoints());
    this.listeners = versioned(resources.listeners());
    this.routes = versioned(resources.routes());
    this.secrets = versioned(resources.secrets());
    StringBuilder all = new StringBuilder();
    for (SnapshotResources<?> type : List.of(clusters, endpoints, listeners, routes, secrets)) {
      all.append(type.resourceVersionResolver().version(List.of()));
    }
    this.version = digest(all.toString());
  }

  /** A snapshot of {@code resources}; identical resources give identical versions anywhere. */
  public static ContentVersionedSnapshot of(GatewayResources resources) {
    return new ContentVersionedSnapshot(resources);
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

  private static <T extends Message> SnapshotResources<T> versioned(List<T> resources) {
    StringBuilder all = new StringBuilder();
    List<VersionedResource<T>> versioned =
        resources.stream()
            .map(r -> {
              String hash = digest(deterministicBytes(r));
              all.append(hash);
              return VersionedResource.create(r, hash);
            })
            .toList();
    String typeVersion = digest(all.toString()).substring(0, 16);
    return SnapshotResources.create(versioned, names -> typeVersion);
  }

  /** Protobuf bytes with map entries in a fixed order, so equal content gives equal bytes. */
  static byte[] deterministicBytes(Message message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(String text) {
    return digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
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
