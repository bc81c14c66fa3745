package dev.gantry.controlplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.NameRules;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The control plane's codec: every kind of entity survives domain → message → domain unchanged. */
class FleetCodecTest {

  private static final String HASH = "ab".repeat(32);

  /** The demo seed plus one entity of every kind, every optional field set somewhere. */
  static FleetState everyKind() {
    FleetState state = TestTopologies.demoSeed();
    Deployments deployments = new Deployments(TestTopologies.local());
    WorkspaceRules workspaces = new WorkspaceRules(TestTopologies.local());
    NameRules names = new NameRules(TestTopologies.local());
    state = workspaces.createWorkspace(state, new Workspace("acme",
        List.of(new JwtIssuer("https://idp.acme.example/", URI.create("https://idp.acme.example/jwks"), List.of("a", "b"))),
        new LocationPolicy(Set.of("GB", "FR"), Set.of("EU"), Set.of())));
    WorkloadId bot = WorkloadId.parse("agt-bot-acme");
    state = deployments.create(state, new Deployments.Request(new Workload(bot, false, new TreeSet<>(List.of("eu-par-1")),
        Protocol.HTTP2, Duration.ofSeconds(90), new LocationPolicy(Set.of(), Set.of(), Set.of("eu-par-1")), true,
        new java.util.TreeMap<>(java.util.Map.of("team", "search", "tier", "")), true), null));
    state = deployments.addReplica(state, new Replica(bot, "eu-par-1", HostPort.parse("10.0.0.7:8080")));
    state = workspaces.addApiKey(state, "acme", new ApiKey("k1", HASH, Set.of("agt:invoke"), "ci",
        Instant.ofEpochSecond(1_700_000_000), Instant.ofEpochSecond(1_800_000_000), false));
    state = workspaces.addApiKey(state, "acme", new ApiKey("k2", HASH, Set.of("mcp:call", "sbx:exec"), "",
        Instant.ofEpochSecond(1_700_000_001), null, true));
    state = workspaces.addSigningKey(state, "acme", new SigningKey("s1", "{\"kty\":\"OKP\"}", "ed25519", Set.of("agt:invoke")));
    state = names.addAlias(state, WorkloadId.parse("agt-old-acme"), bot);
    state = names.bindDomain(state, "bot.acme.example", bot, "eu-par-1",
        dev.gantry.controlplane.TestCertificates.forNames("bot.acme.example"), Instant.now());
    state = names.bindDomain(state, "any.acme.example", bot, null,
        dev.gantry.controlplane.TestCertificates.forNames("*.acme.example"), Instant.now());
    return state.withVersion(42);
  }

  @Test
  void everyEntityKind_roundTrips_throughMessages() {
    FleetState state = everyKind();

    List<Entity> entities = List.copyOf(FleetEntities.all(state).values());

    assertThat(entities).extracting(e -> e.getKindCase().name())
        .as("every kind is exercised").contains("WORKSPACE", "WORKLOAD", "REPLICA", "API_KEY", "SIGNING_KEY", "ALIAS", "CUSTOM_DOMAIN",
            "DOMAIN_CERTIFICATE");
    assertThat(FleetEntities.state(42, entities)).isEqualTo(state);
  }

  @Test
  void eachRecord_roundTrips() {
    FleetState state = everyKind();
    for (Workload w : state.workloads().values()) {
      assertThat(FleetCodec.workload(FleetCodec.workload(w))).isEqualTo(w);
    }
    Workspace acme = state.workspaces().get("acme");
    assertThat(FleetCodec.workspace(FleetCodec.workspace(acme)))
        .isEqualTo(acme.withApiKeys(List.of()).withSigningKeys(List.of()));
    acme.apiKeys().forEach(k -> assertThat(FleetCodec.apiKey(FleetCodec.apiKey("acme", k))).isEqualTo(k));
    acme.signingKeys().forEach(k -> assertThat(FleetCodec.signingKey(FleetCodec.signingKey("acme", k))).isEqualTo(k));
    state.replicas().forEach(r -> assertThat(FleetCodec.replica(FleetCodec.replica(r))).isEqualTo(r));
    for (Routing.CustomDomain d : state.routing().customDomains().values()) {
      assertThat(FleetCodec.domain(FleetCodec.domain(d)).withCertificate(FleetCodec.certificate(FleetCodec.certificate(d))))
          .isEqualTo(d);
    }
    assertThat(FleetCodec.policy(FleetCodec.policy(acme.policy()))).isEqualTo(acme.policy());
  }

  @Test
  void everyKindOfTheSchema_isRegistered() {
    assertThat(FleetEntities.kinds()).containsExactlyInAnyOrderElementsOf(
        Entity.getDescriptor().getOneofs().getFirst().getFields().stream().map(f -> f.getName()).toList());
  }

  @Test
  void diff_namesExactlyWhatChanged() {
    FleetState before = everyKind();
    FleetState after = new Deployments(TestTopologies.local()).delete(
        new WorkspaceRules(TestTopologies.local()).revokeApiKey(before, "k1"), WorkloadId.parse("agt-bot-acme"));

    FleetEntities.Diff diff = FleetEntities.diff(before, after);

    assertThat(diff.upserted()).extracting(e -> FleetEntities.key(e).toString())
        .containsExactly("Key[kind=api_key, id=k1]");
    assertThat(diff.removed()).extracting(FleetEntities.Key::toString).containsExactlyInAnyOrder(
        "Key[kind=alias, id=agt-old-acme]", "Key[kind=custom_domain, id=any.acme.example]",
        "Key[kind=custom_domain, id=bot.acme.example]", "Key[kind=domain_certificate, id=any.acme.example]",
        "Key[kind=domain_certificate, id=bot.acme.example]", "Key[kind=replica, id=agt-bot-acme/eu-par-1/10.0.0.7:8080]",
        "Key[kind=workload, id=agt-bot-acme]");
    assertThat(FleetEntities.diff(after, after).isEmpty()).isTrue();
  }

  /**
   * The diff of random writes (replicas registered and removed, workloads created and deleted)
   * against the obvious one: every entity of both states encoded and compared. Also from a state
   * rebuilt of equal copies, as a store loaded again gives.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
  void diffOfRandomWrites_sameAsComparingEveryEntity(long seed) {
    java.util.Random random = new java.util.Random(seed);
    FleetState state = everyKind();
    for (int write = 0; write < 300; write++) {
      FleetState before = random.nextInt(10) == 0 ? FleetEntities.state(state.version(), FleetEntities.all(state).values()) : state;
      WorkloadId id = WorkloadId.parse("agt-w" + random.nextInt(6) + "-demo");
      Replica replica = new Replica(id, List.of("eu-lon-1", "eu-par-1").get(random.nextInt(2)),
          new HostPort("10.1.0." + random.nextInt(3), 8080));
      FleetState after = switch (random.nextInt(5)) {
        case 0, 1 -> state.withReplica(replica);
        case 2 -> state.withoutReplica(replica);
        case 3 -> state.withWorkload(new Workload(id, random.nextBoolean(), new TreeSet<>(List.of("eu-lon-1", "eu-par-1"))));
        default -> state.withoutWorkload(id).withoutReplicas(r -> r.workload().equals(id));
      };
      String at = "seed " + seed + ", write " + write;
      FleetEntities.Diff diff = FleetEntities.diff(before, after);
      java.util.SortedMap<FleetEntities.Key, Entity> was = FleetEntities.all(before);
      java.util.SortedMap<FleetEntities.Key, Entity> now = FleetEntities.all(after);
      assertThat(diff.upserted()).as(at).containsExactlyElementsOf(now.entrySet().stream()
          .filter(e -> !e.getValue().equals(was.get(e.getKey()))).map(java.util.Map.Entry::getValue).toList());
      assertThat(diff.removed()).as(at).containsExactlyInAnyOrderElementsOf(
          was.keySet().stream().filter(k -> !now.containsKey(k)).toList());
      state = after;
    }
  }

  @Test
  void invalidMessages_areRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> FleetCodec.workload(dev.gantry.proto.fleet.v1.Workload.newBuilder()
        .setId("agt-a-demo").setProtocol("http3").build())).hasMessageContaining("expected: http1 or http2");
    assertThatThrownBy(() -> FleetCodec.apiKey(dev.gantry.proto.fleet.v1.ApiKey.newBuilder().setId("k").build()))
        .hasMessageContaining("expected: 32, a SHA-256");
    assertThatThrownBy(() -> FleetEntities.state(1, List.of(Entity.newBuilder().setApiKey(
        FleetCodec.apiKey("ghost", new ApiKey("k", HASH, Set.of("agt:invoke"), "", Instant.EPOCH, null, false))).build())))
        .hasMessageContaining("workspace 'ghost', which does not exist");
  }
}
