package dev.gantry.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.WorkloadId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The stores written by the release before the fleet schema ({@code stores/v5/}: an H2 file and
 * a PostgreSQL dump, README there) and the state both hold: what that release's CLI listed right
 * after writing them. Shared with the end-to-end module's PostgreSQL migration test.
 */
public final class V5StoreFixture {

  /** The acme API key of the H2 fixture, as the old release printed it (once). */
  public static final String H2_ACME_KEY = "gk_dt7htpvpn4hu_d9Lx0DztlCooQ9eB-VQXYaxqtToRqVJ0AejACQ2gyb8";

  /** The acme API key of the PostgreSQL fixture. */
  public static final String POSTGRES_ACME_KEY = "gk_4vwia459y8nq_occnGjdmkF-5xY7CN7AQEzNe4CuRAVzcunKjp4gki28";

  private V5StoreFixture() {}

  /**
   * The state the fixtures were written with (the same CLI calls against each store): the demo
   * seed, plus workspace acme with an issuer, a policy, three workloads, two replicas, an API key
   * (and demo's revoked one), a signing key, an alias and two custom domains. Version 15.
   */
  public static void assertServesTheV5State(FleetState state, String acmeKey) throws Exception {
    String acmeKeyId = acmeKey.split("_")[1];
    String acmeKeySecret = acmeKey.substring(("gk_" + acmeKeyId + "_").length());
    assertThat(state.version()).isEqualTo(15);
    assertThat(state.workspaces()).containsOnlyKeys("acme", "demo", "other");
    Workspace acme = state.workspaces().get("acme");
    assertThat(acme.jwtIssuers()).singleElement().satisfies(i -> {
      assertThat(i.issuer()).isEqualTo("https://idp.acme.example/");
      assertThat(i.jwksUri()).hasToString("https://idp.acme.example/jwks.json");
      assertThat(i.audiences()).containsExactly("gantry", "acme-api");
    });
    assertThat(acme.policy().continents()).containsExactly("EU");
    ApiKey key = acme.apiKeys().getFirst();
    assertThat(key.id()).isEqualTo(acmeKeyId);
    assertThat(key.secretSha256()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(acmeKeySecret.getBytes(StandardCharsets.UTF_8))));
    assertThat(key.scopes()).containsExactly("agt:invoke");
    assertThat(key.name()).isEqualTo("ci");
    assertThat(key.expiresAt()).as("90 days after it was made").isEqualTo(key.createdAt().plus(java.time.Duration.ofDays(90)));
    assertThat(key.revoked()).isFalse();
    assertThat(state.workspaces().get("demo").apiKeys()).singleElement().satisfies(k -> {
      assertThat(k.revoked()).isTrue();
      assertThat(k.name()).isEqualTo("all");
      assertThat(k.expiresAt()).isNull();
    });
    assertThat(acme.signingKeys()).singleElement().satisfies(k -> {
      assertThat(k.keyId()).isEqualTo("acme-signer-1");
      assertThat(k.alg()).isEqualTo("ed25519");
      assertThat(k.scopes()).containsExactly("mcp:call");
      assertThat(k.jwk()).contains("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    });
    assertThat(state.workloads()).hasSize(9);
    Workload bot = state.workloads().get(WorkloadId.parse("agt-bot-acme"));
    assertThat(bot.regions()).containsExactly("eu-lon-1", "eu-par-1");
    assertThat(bot.forwardCredential()).isTrue();
    assertThat(bot.isPublic()).isFalse();
    assertThat(bot.policy().regions()).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");
    Workload files = state.workloads().get(WorkloadId.parse("mcp-files-acme"));
    assertThat(files.protocol()).isEqualTo(Protocol.HTTP2);
    assertThat(files.regions()).containsExactly("eu-par-1");
    Workload shell = state.workloads().get(WorkloadId.parse("sbx-shell-acme"));
    assertThat(shell.isPublic()).isTrue();
    assertThat(shell.maxStreamDuration()).hasHours(8);
    assertThat(state.workloads().get(WorkloadId.parse("mcp-tools-demo")).policy().continents()).containsExactly("EU");
    assertThat(state.replicas()).extracting(r -> r.workload() + " " + r.region() + " " + r.address())
        .containsExactly("agt-bot-acme eu-lon-1 127.0.0.1:19001", "agt-bot-acme eu-par-1 127.0.0.2:19002");
    assertThat(state.routing().aliases()).containsExactly(
        java.util.Map.entry(WorkloadId.parse("agt-oldbot-acme"), WorkloadId.parse("agt-bot-acme")));
    assertThat(state.routing().customDomains()).containsOnlyKeys("bot.acme.example", "files.acme.example");
    assertThat(state.routing().customDomains().get("bot.acme.example"))
        .isEqualTo(new Routing.CustomDomain("bot.acme.example", WorkloadId.parse("agt-bot-acme"), "eu"));
    assertThat(state.routing().customDomains().get("files.acme.example").location()).isNull();
  }
}
