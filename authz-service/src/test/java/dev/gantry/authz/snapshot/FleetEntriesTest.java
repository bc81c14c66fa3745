package dev.gantry.authz.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.proto.fleet.v1.Alias;
import dev.gantry.proto.fleet.v1.ApiKey;
import dev.gantry.proto.fleet.v1.Catalog;
import dev.gantry.proto.fleet.v1.CustomDomain;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.proto.fleet.v1.JwtIssuer;
import dev.gantry.proto.fleet.v1.Region;
import dev.gantry.proto.fleet.v1.SigningKey;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.fleet.v1.Workspace;
import dev.gantry.proto.snapshot.v1.Placement;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's codec: every kind of entity it holds survives message → entry → message, and a
 * snapshot built from a full update gives back every entity it was built from.
 */
class FleetEntriesTest {

  private static final String ED25519_JWK = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

  static final Workspace WORKSPACE = Workspace.newBuilder().setId("acme")
      .addJwtIssuers(JwtIssuer.newBuilder().setIssuer("https://idp").setJwksUri("https://idp/jwks").addAudiences("a").addAudiences("b"))
      .build();
  static final ApiKey API_KEY = ApiKey.newBuilder().setId("k1").setWorkspace("acme")
      .setSecretSha256(ByteString.copyFrom(new byte[32])).addScopes("agt:invoke").addScopes("mcp:call").setName("ci")
      .setExpiresAtEpochSeconds(1_800_000_000).setRevoked(true).build();
  static final SigningKey SIGNING_KEY = SigningKey.newBuilder().setKeyId("s1").setWorkspace("acme").setJwk(ED25519_JWK)
      .setAlg("ed25519").addScopes("sbx:exec").build();
  static final Workload WORKLOAD = Workload.newBuilder().setId("agt-bot-acme").setPublic(true)
      .addRegions("eu-lon-1").addRegions("eu-par-1").setForwardCredential(true)
      .putLabels("team", "search").putLabels("tier", "gold").setSendLabels(true).build();
  static final Placement PLACEMENT = Placement.newBuilder().setWorkload("agt-bot-acme").addAllowedRegions("eu-lon-1")
      .setPolicy("workspace 'acme': regions [eu-lon-1]").build();
  static final Alias ALIAS = Alias.newBuilder().setAlias("agt-old-acme").setWorkload("agt-bot-acme").build();
  static final CustomDomain DOMAIN = CustomDomain.newBuilder().setDomain("bot.acme.example").setWorkload("agt-bot-acme")
      .setLocation("eu").build();
  static final CustomDomain GLOBAL_DOMAIN = CustomDomain.newBuilder().setDomain("any.acme.example").setWorkload("agt-bot-acme").build();

  @Test
  void everyKind_roundTrips() {
    assertThat(FleetEntries.workspace(FleetEntries.workspace(WORKSPACE))).isEqualTo(WORKSPACE);
    assertThat(FleetEntries.apiKey(FleetEntries.apiKey(API_KEY))).isEqualTo(API_KEY);
    assertThat(FleetEntries.signingKey(FleetEntries.signingKey(SIGNING_KEY))).isEqualTo(SIGNING_KEY);
    assertThat(FleetEntries.workload(FleetEntries.workload(WORKLOAD, PLACEMENT))).isEqualTo(WORKLOAD);
    assertThat(FleetEntries.placement(FleetEntries.workload(WORKLOAD, PLACEMENT))).isEqualTo(PLACEMENT);
    var alias = FleetEntries.alias(ALIAS);
    assertThat(FleetEntries.alias(alias.getKey(), alias.getValue())).isEqualTo(ALIAS);
    for (CustomDomain domain : List.of(DOMAIN, GLOBAL_DOMAIN)) {
      var decoded = FleetEntries.domain(domain);
      assertThat(FleetEntries.domain(decoded.getKey(), decoded.getValue())).isEqualTo(domain);
    }
  }

  @Test
  void labels_becomeTheWorkloadsHeader_onlyWhenItAsks() {
    assertThat(FleetEntries.workload(WORKLOAD, PLACEMENT).headers()).containsExactly(
        java.util.Map.entry("x-gantry-labels", "team=search,tier=gold"));
    assertThat(FleetEntries.workload(WORKLOAD.toBuilder().setSendLabels(false).build(), PLACEMENT).headers()).isEmpty();
    assertThatThrownBy(() -> FleetEntries.workload(WORKLOAD.toBuilder().putLabels("x", "a\r\nevil: 1").build(), PLACEMENT))
        .hasMessageContaining("not a valid label");
  }

  @Test
  void aSnapshotFromAFullUpdate_givesBackEveryEntity() throws Exception {
    SnapshotUpdate full = SnapshotUpdate.newBuilder().setVersion(7).setFull(true)
        .setCatalog(Catalog.newBuilder().addBaseDomains("run.localhost")
            .addRegions(Region.newBuilder().setId("eu-lon-1").setCountry("GB").setContinent("EU"))
            .addRegions(Region.newBuilder().setId("eu-par-1").setCountry("FR").setContinent("EU")))
        .addUpserted(Entity.newBuilder().setWorkspace(WORKSPACE))
        .addUpserted(Entity.newBuilder().setApiKey(API_KEY))
        .addUpserted(Entity.newBuilder().setSigningKey(SIGNING_KEY))
        .addUpserted(Entity.newBuilder().setWorkload(WORKLOAD))
        .addUpserted(Entity.newBuilder().setAlias(ALIAS))
        .addUpserted(Entity.newBuilder().setCustomDomain(DOMAIN))
        .addUpserted(Entity.newBuilder().setCustomDomain(GLOBAL_DOMAIN))
        .addPlacements(PLACEMENT)
        .build();

    AuthzSnapshot snapshot = SnapshotUpdates.apply(null, full);

    List<Object> back = new ArrayList<>();
    snapshot.workspaces().values().forEach(w -> back.add(FleetEntries.workspace(w)));
    snapshot.apiKeys().values().forEach(k -> back.add(FleetEntries.apiKey(k)));
    snapshot.signingKeys().values().forEach(k -> back.add(FleetEntries.signingKey(k)));
    snapshot.workloads().values().forEach(w -> back.add(FleetEntries.workload(w)));
    snapshot.workloads().values().forEach(w -> back.add(FleetEntries.placement(w)));
    snapshot.names().aliases().forEach((a, w) -> back.add(FleetEntries.alias(a, w)));
    snapshot.names().customDomains().forEach((d, t) -> back.add(FleetEntries.domain(d, t)));
    assertThat(back).containsExactlyInAnyOrder(
        WORKSPACE, API_KEY, SIGNING_KEY, WORKLOAD, PLACEMENT, ALIAS, DOMAIN, GLOBAL_DOMAIN);
    assertThat(snapshot.workspaces().get("acme").apiKeys()).extracting(k -> k.id()).containsExactly("k1");
    assertThat(snapshot.workspaces().get("acme").signingKeys()).extracting(k -> k.keyId()).containsExactly("s1");
    assertThat(snapshot.workloads().get(WorkloadId.parse("agt-bot-acme")).allowedRegions()).containsExactly("eu-lon-1");
  }

  @Test
  void invalidEntities_areRefusedWithWhatWasWrong() {
    assertThatThrownBy(() -> FleetEntries.apiKey(API_KEY.toBuilder().setSecretSha256(ByteString.copyFrom(new byte[3])).build()))
        .hasMessageContaining("hash is not SHA-256");
    assertThatThrownBy(() -> FleetEntries.workspace(WORKSPACE.toBuilder()
        .setJwtIssuers(0, JwtIssuer.newBuilder().setIssuer("x").setJwksUri("ftp://x")).build()))
        .hasMessageContaining("expected: http or https");
    assertThatThrownBy(() -> FleetEntries.signingKey(SIGNING_KEY.toBuilder().setJwk("{}").build()))
        .hasMessageContaining("signing key s1 of workspace acme");
  }
}
