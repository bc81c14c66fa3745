package dev.gantry.authz.snapshot;

import com.google.protobuf.ByteString;
import dev.gantry.authz.credential.SigningKeys;
import dev.gantry.authz.model.ApiKeyEntry;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.Names;
import dev.gantry.authz.model.SigningKeyEntry;
import dev.gantry.authz.model.PreviewEntry;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.proto.fleet.v1.Alias;
import dev.gantry.proto.fleet.v1.ApiKey;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.CustomDomain;
import dev.gantry.proto.fleet.v1.JwtIssuer;
import dev.gantry.proto.fleet.v1.SigningKey;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.fleet.v1.Workspace;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.routing.Labels;
import dev.gantry.routing.Region;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sidecar's one codec between the fleet messages ({@code gantry.fleet.v1}) the control plane
 * streams and the immutable entries decisions read. Decoding validates (an {@link
 * IllegalArgumentException} says what was wrong; the update carrying it is refused whole) and
 * does every parse a decision would otherwise repeat: keys, URIs, ids. Encoding gives back the
 * messages an entry was made from (for round-trip tests and diagnostics). Pure.
 */
public final class FleetEntries {

  private FleetEntries() {}

  /** A workspace without keys: they arrive as entities of their own and are attached by the caller. */
  public static WorkspaceEntry workspace(Workspace workspace) {
    return new WorkspaceEntry(workspace.getId(), workspace.getJwtIssuersList().stream()
        .map(i -> issuer(workspace.getId(), i)).toList(), List.of(), List.of());
  }

  public static Workspace workspace(WorkspaceEntry entry) {
    Workspace.Builder workspace = Workspace.newBuilder().setId(entry.id());
    entry.issuers().forEach(i -> workspace.addJwtIssuers(JwtIssuer.newBuilder()
        .setIssuer(i.issuer()).setJwksUri(i.jwksUri().toString()).addAllAudiences(new TreeSet<>(i.audiences()))
        .setAuthorizationServer(i.authorizationServer())));
    return workspace.build();
  }

  private static IssuerEntry issuer(String workspace, JwtIssuer issuer) {
    URI jwks;
    try {
      jwks = URI.create(issuer.getJwksUri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("workspace " + workspace + ": jwks_uri '" + issuer.getJwksUri() + "' is not a URI");
    }
    if (!"http".equals(jwks.getScheme()) && !"https".equals(jwks.getScheme())) {
      throw new IllegalArgumentException("workspace " + workspace + ": jwks_uri '" + jwks + "' (expected: http or https)");
    }
    return new IssuerEntry(issuer.getIssuer(), jwks, Set.copyOf(issuer.getAudiencesList()), issuer.getAuthorizationServer());
  }

  public static ApiKeyEntry apiKey(ApiKey key) {
    if (key.getSecretSha256().size() != 32) {
      throw new IllegalArgumentException("API key " + key.getId() + " of workspace " + key.getWorkspace() + ": hash is not SHA-256");
    }
    return new ApiKeyEntry(key.getId(), key.getWorkspace(), key.getSecretSha256().toByteArray(), Set.copyOf(key.getScopesList()),
        key.getName(), key.getExpiresAtEpochSeconds() == 0 ? null : Instant.ofEpochSecond(key.getExpiresAtEpochSeconds()),
        key.getRevoked());
  }

  /** An API key as sent; {@code created_at} is not kept by the sidecar. */
  public static ApiKey apiKey(ApiKeyEntry entry) {
    return ApiKey.newBuilder()
        .setId(entry.id()).setWorkspace(entry.workspace()).setSecretSha256(ByteString.copyFrom(entry.secretSha256()))
        .addAllScopes(new TreeSet<>(entry.scopes())).setName(entry.name() == null ? "" : entry.name())
        .setExpiresAtEpochSeconds(entry.expiresAt() == null ? 0 : entry.expiresAt().getEpochSecond())
        .setRevoked(entry.revoked())
        .build();
  }

  public static SigningKeyEntry signingKey(SigningKey key) {
    try {
      return SigningKeys.entry(key.getKeyId(), key.getWorkspace(), key.getJwk(), Set.copyOf(key.getScopesList()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signing key " + key.getKeyId() + " of workspace " + key.getWorkspace() + ": " + e.getMessage());
    }
  }

  public static SigningKey signingKey(SigningKeyEntry entry) {
    return SigningKey.newBuilder()
        .setKeyId(entry.keyId()).setWorkspace(entry.workspace()).setJwk(entry.jwk()).setAlg(entry.alg())
        .addAllScopes(new TreeSet<>(entry.scopes()))
        .build();
  }

  /** A workload where its {@code placement} (derived by the control plane) allows it. */
  public static WorkloadEntry workload(Workload workload, Placement placement) {
    return new WorkloadEntry(WorkloadId.parse(workload.getId()), workload.getPublic(), Set.copyOf(workload.getRegionsList()),
        Set.copyOf(placement.getAllowedRegionsList()), placement.getPolicy(), workload.getForwardCredential(),
        headers(workload), dev.gantry.routing.Affinity.parse(workload.getAffinity()), previews(workload),
        dev.gantry.routing.Metering.of(workload.hasMetering(), workload.getMetering().getUsagePath()));
  }

  /** A sandbox's preview ports, by port; every token with its hash and expiry, as the control plane mints them. */
  private static Map<Integer, PreviewEntry> previews(Workload workload) {
    Map<Integer, PreviewEntry> previews = new java.util.HashMap<>();
    for (dev.gantry.proto.fleet.v1.Preview preview : workload.getPreviewsList()) {
      Map<String, PreviewEntry.Token> tokens = new java.util.HashMap<>();
      for (dev.gantry.proto.fleet.v1.PreviewToken token : preview.getTokensList()) {
        if (token.getSecretSha256().size() != 32 || token.getExpiresAtEpochSeconds() == 0) {
          throw new IllegalArgumentException("workload " + workload.getId() + ": preview token " + token.getId()
              + " has no SHA-256 hash or no expiry");
        }
        tokens.put(token.getId(), new PreviewEntry.Token(token.getId(), token.getSecretSha256().toByteArray(),
            Instant.ofEpochSecond(token.getExpiresAtEpochSeconds()), token.getRevoked()));
      }
      previews.put(preview.getPort(), new PreviewEntry(preview.getPort(), preview.getPublic(), tokens));
    }
    return previews;
  }

  /** The header that carries a workload's labels to it, when it asks for them. */
  static final String LABELS_HEADER = "x-gantry-labels";

  /** The headers a workload's own settings add to its requests: its labels, when it asks. */
  private static Map<String, String> headers(Workload workload) {
    if (!workload.getSendLabels() || workload.getLabelsCount() == 0) {
      return Map.of();
    }
    StringBuilder labels = new StringBuilder();
    new java.util.TreeMap<>(workload.getLabelsMap()).forEach((key, value) -> {
      if (!Labels.isValid(key, value)) {
        throw new IllegalArgumentException("workload " + workload.getId() + ": label '" + key + "' is not a valid label");
      }
      labels.append(labels.isEmpty() ? "" : ",").append(key).append('=').append(value);
    });
    return Map.of(LABELS_HEADER, labels.toString());
  }

  /**
   * The fields of a workload the sidecar keeps (the control plane's settings it does not use are
   * absent; its labels only when it asked for them).
   */
  public static Workload workload(WorkloadEntry entry) {
    Workload.Builder workload = Workload.newBuilder()
        .setId(entry.id().toString()).setPublic(entry.isPublic()).addAllRegions(new TreeSet<>(entry.regions()))
        .setForwardCredential(entry.forwardCredential());
    if (entry.affinity() != null) {
      workload.setAffinity(entry.affinity().toString());
    }
    if (entry.metering() != null) {
      workload.setMetering(dev.gantry.proto.fleet.v1.Metering.newBuilder().setUsagePath(entry.metering().usagePathText()));
    }
    entry.previews().values().stream().sorted(java.util.Comparator.comparingInt(PreviewEntry::port)).forEach(p -> {
      dev.gantry.proto.fleet.v1.Preview.Builder preview = workload.addPreviewsBuilder().setPort(p.port()).setPublic(p.isPublic());
      p.tokens().values().stream().sorted(java.util.Comparator.comparing(PreviewEntry.Token::id)).forEach(t ->
          preview.addTokens(dev.gantry.proto.fleet.v1.PreviewToken.newBuilder().setId(t.id())
              .setSecretSha256(com.google.protobuf.ByteString.copyFrom(t.secretSha256()))
              .setExpiresAtEpochSeconds(t.expiresAt().getEpochSecond()).setRevoked(t.revoked())));
    });
    String labels = entry.headers().get(LABELS_HEADER);
    if (labels != null) {
      workload.setSendLabels(true);
      for (String label : labels.split(",")) {
        workload.putLabels(label.substring(0, label.indexOf('=')), label.substring(label.indexOf('=') + 1));
      }
    }
    return workload.build();
  }

  public static Placement placement(WorkloadEntry entry) {
    return Placement.newBuilder()
        .setWorkload(entry.id().toString()).addAllAllowedRegions(new TreeSet<>(entry.allowedRegions())).setPolicy(entry.policy())
        .build();
  }

  public static Map.Entry<WorkloadId, WorkloadId> alias(Alias alias) {
    return Map.entry(WorkloadId.parse(alias.getAlias()), WorkloadId.parse(alias.getWorkload()));
  }

  public static Alias alias(WorkloadId alias, WorkloadId workload) {
    return Alias.newBuilder().setAlias(alias.toString()).setWorkload(workload.toString()).build();
  }

  public static Map.Entry<String, Names.DomainTarget> domain(CustomDomain domain) {
    return Map.entry(domain.getDomain().toLowerCase(Locale.ROOT), new Names.DomainTarget(
        WorkloadId.parse(domain.getWorkload()), domain.getLocation().isEmpty() ? null : domain.getLocation()));
  }

  public static CustomDomain domain(String domain, Names.DomainTarget target) {
    return CustomDomain.newBuilder()
        .setDomain(domain).setWorkload(target.workload().toString()).setLocation(target.location() == null ? "" : target.location())
        .build();
  }

  /** The region catalog of a {@link Catalog}. */
  public static RegionCatalog catalog(Catalog catalog) {
    List<Region> regions = catalog.getRegionsList().stream()
        .map(r -> new Region(r.getId(), r.getCountry(), r.getContinent(), r.getLatitude(), r.getLongitude()))
        .toList();
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    catalog.getGroupsList().forEach(g -> groups.put(g.getName(), Set.copyOf(g.getRegionsList())));
    try {
      return new RegionCatalog(regions, groups);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("catalog: " + e.getMessage());
    }
  }

  /** The legacy hosts of a {@link Catalog}, lower case. */
  public static Set<String> legacyHosts(Catalog catalog) {
    Set<String> hosts = new java.util.HashSet<>();
    catalog.getLegacyHostsList().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    return hosts;
  }
}
