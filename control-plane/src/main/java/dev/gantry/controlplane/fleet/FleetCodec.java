package dev.gantry.controlplane.fleet;

import com.google.protobuf.ByteString;
import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Preview;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.StreamLimits;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The control plane's one codec between its domain records and the fleet messages ({@code
 * gantry.fleet.v1}) that the admin API, the store and the snapshot stream carry. Pure.
 *
 * <p>Decoding validates: a message that does not make a valid record throws {@link
 * IllegalArgumentException} saying what was wrong and what was expected; callers turn it into
 * their own refusal (INVALID_ARGUMENT, a config error, a store error). Encoding is
 * deterministic (sets sorted), so equal records give byte-identical messages.
 */
public final class FleetCodec {

  private FleetCodec() {}

  public static dev.gantry.proto.fleet.v1.LocationPolicy policy(LocationPolicy policy) {
    return dev.gantry.proto.fleet.v1.LocationPolicy.newBuilder()
        .addAllCountries(new TreeSet<>(policy.countries()))
        .addAllContinents(new TreeSet<>(policy.continents()))
        .addAllRegions(new TreeSet<>(policy.regions()))
        .build();
  }

  public static LocationPolicy policy(dev.gantry.proto.fleet.v1.LocationPolicy policy) {
    return new LocationPolicy(
        Set.copyOf(policy.getCountriesList()), Set.copyOf(policy.getContinentsList()), Set.copyOf(policy.getRegionsList()));
  }

  public static dev.gantry.proto.fleet.v1.JwtIssuer issuer(JwtIssuer issuer) {
    return dev.gantry.proto.fleet.v1.JwtIssuer.newBuilder()
        .setIssuer(issuer.issuer()).setJwksUri(issuer.jwksUri().toString()).addAllAudiences(issuer.audiences())
        .setAuthorizationServer(issuer.authorizationServer()).build();
  }

  public static JwtIssuer issuer(dev.gantry.proto.fleet.v1.JwtIssuer issuer) {
    URI jwks;
    try {
      jwks = URI.create(issuer.getJwksUri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("issuer '" + issuer.getIssuer() + "': jwks_uri '" + issuer.getJwksUri()
          + "' is not a URI (expected: an http or https URL)");
    }
    return new JwtIssuer(issuer.getIssuer(), jwks, issuer.getAudiencesList(), issuer.getAuthorizationServer());
  }

  /** A workspace's own settings; its keys are entities of their own ({@link #apiKey}, {@link #signingKey}). */
  public static dev.gantry.proto.fleet.v1.Workspace workspace(Workspace workspace) {
    dev.gantry.proto.fleet.v1.Workspace.Builder message = dev.gantry.proto.fleet.v1.Workspace.newBuilder()
        .setId(workspace.id()).setPolicy(policy(workspace.policy()));
    workspace.jwtIssuers().forEach(i -> message.addJwtIssuers(issuer(i)));
    workspace.quotas().forEach(q -> message.addQuotas(quota(q)));
    return message.build();
  }

  public static dev.gantry.proto.fleet.v1.Quota quota(dev.gantry.controlplane.model.Quota quota) {
    return dev.gantry.proto.fleet.v1.Quota.newBuilder()
        .setWindow(quota.window().label()).setTokens(quota.tokens()).setRequests(quota.requests()).build();
  }

  /** A quota; a malformed one is an IllegalArgumentException saying what is wrong. */
  public static dev.gantry.controlplane.model.Quota quota(dev.gantry.proto.fleet.v1.Quota quota) {
    return new dev.gantry.controlplane.model.Quota(dev.gantry.controlplane.model.Quota.Window.parse(quota.getWindow()),
        quota.getTokens(), quota.getRequests());
  }

  /** A workspace without keys: they are attached from their own entities. */
  public static Workspace workspace(dev.gantry.proto.fleet.v1.Workspace workspace) {
    return new Workspace(workspace.getId(), workspace.getJwtIssuersList().stream().map(FleetCodec::issuer).toList(),
        policy(workspace.getPolicy()), java.util.List.of(), java.util.List.of(),
        workspace.getQuotasList().stream().map(FleetCodec::quota).toList());
  }

  public static dev.gantry.proto.fleet.v1.Workload workload(Workload workload) {
    dev.gantry.proto.fleet.v1.Workload.Builder message = dev.gantry.proto.fleet.v1.Workload.newBuilder()
        .setId(workload.id().toString())
        .setPublic(workload.isPublic())
        .addAllRegions(workload.regions())
        .setProtocol(workload.protocol().name().toLowerCase(Locale.ROOT))
        .setMaxStreamDuration(StreamLimits.format(workload.maxStreamDuration()))
        .setPolicy(policy(workload.policy()))
        .setForwardCredential(workload.forwardCredential())
        .putAllLabels(workload.labels())
        .setSendLabels(workload.sendLabels())
        .setAffinity(workload.affinity() == null ? "" : workload.affinity().toString())
        .addAllPreviews(workload.previews().stream().map(FleetCodec::preview).toList());
    if (workload.metering() != null) {
      message.setMetering(dev.gantry.proto.fleet.v1.Metering.newBuilder().setUsagePath(workload.metering().usagePathText()));
    }
    return message.build();
  }

  /** A workload; an empty protocol is HTTP/1.1, an empty stream limit the product's default. */
  public static Workload workload(dev.gantry.proto.fleet.v1.Workload workload) {
    WorkloadId id = WorkloadId.parse(workload.getId());
    return new Workload(
        id,
        workload.getPublic(),
        new TreeSet<>(workload.getRegionsList()),
        workload.getProtocol().isEmpty() ? Protocol.HTTP1 : Protocol.parse(workload.getProtocol()),
        workload.getMaxStreamDuration().isEmpty()
            ? StreamLimits.defaultFor(id.product())
            : StreamLimits.parse(workload.getMaxStreamDuration()),
        policy(workload.getPolicy()),
        workload.getForwardCredential(),
        new java.util.TreeMap<>(workload.getLabelsMap()),
        workload.getSendLabels(),
        dev.gantry.routing.Affinity.parse(workload.getAffinity()),
        workload.getPreviewsList().stream().map(FleetCodec::preview).toList(),
        dev.gantry.routing.Metering.of(workload.hasMetering(), workload.getMetering().getUsagePath()));
  }

  public static dev.gantry.proto.fleet.v1.Preview preview(Preview preview) {
    dev.gantry.proto.fleet.v1.Preview.Builder message = dev.gantry.proto.fleet.v1.Preview.newBuilder()
        .setPort(preview.port()).setPublic(preview.isPublic());
    for (Preview.Token token : preview.tokens()) {
      message.addTokens(dev.gantry.proto.fleet.v1.PreviewToken.newBuilder()
          .setId(token.id())
          .setSecretSha256(com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex(token.secretSha256())))
          .setCreatedAtEpochSeconds(token.createdAt().getEpochSecond())
          .setExpiresAtEpochSeconds(token.expiresAt().getEpochSecond())
          .setRevoked(token.revoked()));
    }
    return message.build();
  }

  public static Preview preview(dev.gantry.proto.fleet.v1.Preview preview) {
    return new Preview(preview.getPort(), preview.getPublic(), preview.getTokensList().stream()
        .map(t -> {
          if (t.getSecretSha256().size() != 32 || t.getExpiresAtEpochSeconds() == 0) {
            throw new IllegalArgumentException("preview token '" + t.getId() + "' of port " + preview.getPort()
                + " (expected: a SHA-256 hash and an expiry, as the admin API mints it)");
          }
          return new Preview.Token(t.getId(), java.util.HexFormat.of().formatHex(t.getSecretSha256().toByteArray()),
              Instant.ofEpochSecond(t.getCreatedAtEpochSeconds()), Instant.ofEpochSecond(t.getExpiresAtEpochSeconds()),
              t.getRevoked());
        }).toList());
  }

  public static dev.gantry.proto.fleet.v1.Replica replica(Replica replica) {
    return dev.gantry.proto.fleet.v1.Replica.newBuilder()
        .setWorkload(replica.workload().toString()).setRegion(replica.region()).setAddress(replica.address().toString())
        .build();
  }

  public static Replica replica(dev.gantry.proto.fleet.v1.Replica replica) {
    if (replica.getRegion().isEmpty()) {
      throw new IllegalArgumentException("region is missing (expected: a region id such as eu-lon-1)");
    }
    return new Replica(WorkloadId.parse(replica.getWorkload()), replica.getRegion(), HostPort.parse(replica.getAddress()));
  }

  /** An API key of {@code workspace}, with its hash: for the store and the sidecars, never for the admin API. */
  public static dev.gantry.proto.fleet.v1.ApiKey apiKey(String workspace, ApiKey key) {
    return dev.gantry.proto.fleet.v1.ApiKey.newBuilder()
        .setId(key.id())
        .setWorkspace(workspace)
        .setSecretSha256(ByteString.copyFrom(HexFormat.of().parseHex(key.secretSha256())))
        .addAllScopes(new TreeSet<>(key.scopes()))
        .setName(key.name() == null ? "" : key.name())
        .setCreatedAtEpochSeconds(key.createdAt().getEpochSecond())
        .setExpiresAtEpochSeconds(key.expiresAt() == null ? 0 : key.expiresAt().getEpochSecond())
        .setRevoked(key.revoked())
        .build();
  }

  public static ApiKey apiKey(dev.gantry.proto.fleet.v1.ApiKey key) {
    if (key.getSecretSha256().size() != 32) {
      throw new IllegalArgumentException("API key '" + key.getId() + "': secret_sha256 has " + key.getSecretSha256().size()
          + " bytes (expected: 32, a SHA-256)");
    }
    return new ApiKey(
        key.getId(), HexFormat.of().formatHex(key.getSecretSha256().toByteArray()), Set.copyOf(key.getScopesList()),
        key.getName(), Instant.ofEpochSecond(key.getCreatedAtEpochSeconds()),
        key.getExpiresAtEpochSeconds() == 0 ? null : Instant.ofEpochSecond(key.getExpiresAtEpochSeconds()), key.getRevoked());
  }

  public static dev.gantry.proto.fleet.v1.SigningKey signingKey(String workspace, SigningKey key) {
    return dev.gantry.proto.fleet.v1.SigningKey.newBuilder()
        .setKeyId(key.keyId()).setWorkspace(workspace).setJwk(key.jwk()).setAlg(key.alg())
        .addAllScopes(new TreeSet<>(key.scopes()))
        .build();
  }

  public static SigningKey signingKey(dev.gantry.proto.fleet.v1.SigningKey key) {
    return new SigningKey(key.getKeyId(), key.getJwk(), key.getAlg(), Set.copyOf(key.getScopesList()));
  }

  public static dev.gantry.proto.fleet.v1.Alias alias(WorkloadId alias, WorkloadId workload) {
    return dev.gantry.proto.fleet.v1.Alias.newBuilder().setAlias(alias.toString()).setWorkload(workload.toString()).build();
  }

  public static dev.gantry.proto.fleet.v1.CustomDomain domain(Routing.CustomDomain domain) {
    return dev.gantry.proto.fleet.v1.CustomDomain.newBuilder()
        .setDomain(domain.domain()).setWorkload(domain.workload().toString())
        .setLocation(domain.location() == null ? "" : domain.location())
        .build();
  }

  public static Routing.CustomDomain domain(dev.gantry.proto.fleet.v1.CustomDomain domain) {
    return new Routing.CustomDomain(domain.getDomain().toLowerCase(Locale.ROOT), WorkloadId.parse(domain.getWorkload()),
        domain.getLocation().isEmpty() ? null : domain.getLocation());
  }

  /** A custom domain's certificate as stored; the domain must have one. */
  public static dev.gantry.proto.fleet.v1.DomainCertificate certificate(Routing.CustomDomain domain) {
    return dev.gantry.proto.fleet.v1.DomainCertificate.newBuilder()
        .setDomain(domain.domain())
        .setCertificateChainPem(domain.certificate().chainPem())
        .setPrivateKeyPem(domain.certificate().keyPem())
        .build();
  }

  /**
   * A stored certificate, read without regard to the time (one that expired since it was bound
   * is still the one bound).
   *
   * @throws IllegalArgumentException when it cannot be read at all
   */
  public static dev.gantry.pki.ServingCertificate certificate(dev.gantry.proto.fleet.v1.DomainCertificate certificate) {
    try {
      return dev.gantry.pki.ServingCertificate.read(certificate.getCertificateChainPem(), certificate.getPrivateKeyPem());
    } catch (dev.gantry.pki.ServingCertificate.Refused e) {
      throw new IllegalArgumentException("certificate of domain '" + certificate.getDomain() + "': " + e.getMessage(), e);
    }
  }

  /** What may be shown of a serving certificate at {@code now}: its names and expiry, never its key. */
  public static dev.gantry.proto.fleet.v1.CertificateInfo info(
      String name, dev.gantry.pki.ServingCertificate certificate, java.time.Instant now) {
    return dev.gantry.proto.fleet.v1.CertificateInfo.newBuilder()
        .setName(name)
        .addAllDnsNames(certificate.dnsNames())
        .setNotAfterEpochSeconds(certificate.notAfter().getEpochSecond())
        .setDaysLeft(certificate.daysLeft(now))
        .build();
  }

  /** What may be shown of every custom domain's certificate at {@code now}, by domain. */
  public static java.util.List<dev.gantry.proto.fleet.v1.CertificateInfo> domainCertificates(
      Routing routing, java.time.Instant now) {
    return routing.certifiedDomains().stream().map(d -> info(d.domain(), d.certificate(), now)).toList();
  }

  /** The catalog sidecars need: regions, groups, base domains and legacy hosts. */
  public static dev.gantry.proto.fleet.v1.Catalog catalog(dev.gantry.controlplane.model.Topology topology) {
    dev.gantry.proto.fleet.v1.Catalog.Builder catalog = dev.gantry.proto.fleet.v1.Catalog.newBuilder()
        .addAllBaseDomains(topology.baseDomains()).addAllLegacyHosts(topology.legacyHosts());
    topology.catalog().regions().values().forEach(r -> catalog.addRegions(region(r)));
    topology.catalog().groups().forEach((name, members) -> catalog.addGroups(
        dev.gantry.proto.fleet.v1.RegionGroup.newBuilder().setName(name).addAllRegions(members)));
    return catalog.build();
  }

  public static dev.gantry.proto.fleet.v1.Region region(dev.gantry.routing.Region region) {
    return dev.gantry.proto.fleet.v1.Region.newBuilder()
        .setId(region.id()).setCountry(region.country()).setContinent(region.continent())
        .setLatitude(region.latitude()).setLongitude(region.longitude())
        .build();
  }
}
