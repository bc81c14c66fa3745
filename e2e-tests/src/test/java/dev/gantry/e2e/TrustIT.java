package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.AuditServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.ListAuditRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.AuditRecord;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every channel between Gantry's parts, tried as an outsider on the network would: the internal
 * listener, ADS, the snapshot stream and the admin API each let in only the identities they are
 * for (docs/threat-model.md), through the real Envoys and services of a three-region stack.
 */
class TrustIT {

  private static MultiRegionStack stack;
  private static TestPki pki;
  private static ManagedChannel operator;

  @BeforeAll
  static void start() throws Exception {
    stack = new MultiRegionStack();
    pki = TestPki.in(stack.workDir);
    operator = stack.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    operator.shutdownNow();
    stack.close();
  }

  private static final String PRIVATE = "agt-private-demo.eu-lon-1.run.localhost";

  private static List<String[]> forgedIdentity() {
    return RawHttp.headers("x-gantry-credential-kind", "jwt", "x-gantry-workspace", "demo", "x-gantry-subject", "root",
        "x-gantry-entered-at", "eu-par-1");
  }

  // ---- The internal listener: peer gateways only.

  @Test
  void internalListener_plaintextWithForgedIdentity_neverReachesTheWorkload() {
    int internal = stack.site("eu-lon-1").internalPort;
    Throwable failed = catchThrowable(() -> {
      RawHttp.Response response = RawHttp.get(internal, PRIVATE, "/", forgedIdentity());
      assertThat(response.status()).as("never served: " + response.body()).isNotEqualTo(200);
    });
    assertThat(failed).as("a plaintext request gets no HTTP answer at all").isInstanceOf(IOException.class);
  }

  @Test
  void internalListener_tlsWithoutAClientCertificate_failsTheHandshake() {
    assertHandshakeRefused(null);
  }

  @Test
  void internalListener_aSidecarsOrAnAdminsCertificate_isRefused() {
    assertHandshakeRefused(Identity.authz("eu-par-1"));
    assertHandshakeRefused(Identity.operator("local"));
    assertHandshakeRefused(Identity.workspaceAdmin("demo", "admin"));
  }

  private static void assertHandshakeRefused(Identity identity) {
    int internal = stack.site("eu-lon-1").internalPort;
    Throwable failed = catchThrowable(() -> RawHttp.get(pki.tlsClient(identity), internal, PRIVATE, "/", forgedIdentity()));
    assertThat(failed).as("as " + identity).isInstanceOf(IOException.class);
  }

  @Test
  void internalListener_aPeerGatewaysForwardedRequest_isServed() throws Exception {
    RawHttp.Response response = RawHttp.get(pki.tlsClient(Identity.gateway("eu-par-1")),
        stack.site("eu-lon-1").internalPort, PRIVATE, "/", forgedIdentity());

    assertThat(response.status()).as("the identity a peer established is trusted: " + response.body()).isEqualTo(200);
    assertThat(com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers")
        .getAsJsonArray("x-gantry-subject").get(0).getAsString()).isEqualTo("root");
  }

  // ---- The sidecar: its own Envoy only (a Unix socket, no network interface).

  /**
   * Another local user cannot reach a sidecar: its socket is owner-only. The socket directory is
   * opened for traversal first, so only the socket's own permissions stand in the way; opened for
   * a moment to everyone, the same connection succeeds, so the refusal is the permissions' doing.
   */
  @Test
  void sidecarSocket_isOwnerOnly_anotherUserCannotConnect() throws Exception {
    java.nio.file.Path socket = java.nio.file.Path.of(pki.authzSocket("eu-lon-1"));
    java.nio.file.Files.setPosixFilePermissions(socket.getParent(),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");

    assertThat(connectAsNobody(socket)).contains("Permission denied");
    java.nio.file.Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    try {
      assertThat(connectAsNobody(socket)).as("the control: the same user, the socket opened to all").contains("connected");
    } finally {
      java.nio.file.Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** Connects to a Unix socket as the unprivileged user {@code nobody}; returns what happened. */
  private static String connectAsNobody(java.nio.file.Path socket) throws Exception {
    Process process = new ProcessBuilder("runuser", "-u", "nobody", "--", "python3", "-c",
        "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print('connected')", socket.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  // ---- ADS: gateways only, each for its own region.

  @Test
  void ads_withoutACertificate_getsNoConfiguration() {
    assertAdsRefused(withoutCertificate(), "eu-lon-1", "xDS is for gateways");
  }

  @Test
  void ads_aGatewayAskingAsAnotherRegion_getsNothingOfIt() {
    assertAdsRefused(as(Identity.gateway("eu-lon-1")), "eu-par-1",
        "asks as region 'eu-par-1' but its certificate is spiffe://gantry/gateway/eu-lon-1");
    assertAdsRefused(as(Identity.authz("eu-lon-1")), "eu-lon-1", "xDS is for gateways");
  }

  @Test
  void ads_aGatewayAsItsOwnRegion_getsItsConfiguration() throws Exception {
    DiscoveryResponse response = ads(as(Identity.gateway("eu-par-1")), "eu-par-1").get(10, TimeUnit.SECONDS);
    assertThat(response.getResourcesCount()).isPositive();
  }

  private static void assertAdsRefused(ChannelCredentials credentials, String region, String why) {
    assertThatThrownBy(() -> ads(credentials, region).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StatusRuntimeException.class)
        .cause()
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining(why);
  }

  /** The first answer of an ADS stream asking for listeners as a gateway of {@code region}. */
  private static CompletableFuture<DiscoveryResponse> ads(ChannelCredentials credentials, String region) {
    ManagedChannel channel = channel(credentials);
    CompletableFuture<DiscoveryResponse> first = new CompletableFuture<>();
    first.whenComplete((r, e) -> channel.shutdownNow());
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse response) {
            first.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            first.completeExceptionally(new IllegalStateException("stream ended without an answer"));
          }
        });
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId("outsider").setLocality(Locality.newBuilder().setRegion(region)))
        .setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener")
        .build());
    return first;
  }

  // ---- The snapshot stream: sidecars only, each as its own region.

  @Test
  void snapshotWatch_withoutASidecarCertificate_getsNothing() {
    assertWatchRefused(withoutCertificate(), "eu-lon-1", "the snapshot stream is for authz sidecars");
    assertWatchRefused(as(Identity.gateway("eu-lon-1")), "eu-lon-1", "the snapshot stream is for authz sidecars");
    assertWatchRefused(as(Identity.operator("local")), "eu-lon-1", "the snapshot stream is for authz sidecars");
    assertWatchRefused(as(Identity.authz("eu-lon-1")), "eu-par-1",
        "sidecar asks as region 'eu-par-1' but its certificate is spiffe://gantry/authz/eu-lon-1");
  }

  private static void assertWatchRefused(ChannelCredentials credentials, String region, String why) {
    ManagedChannel channel = channel(credentials);
    try {
      assertThatThrownBy(() -> AuthzSnapshotServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
              .watch(WatchRequest.newBuilder().setSidecarId("outsider").setRegion(region).build()).next())
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
          .hasMessageContaining(why);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void usageReport_onlyASidecar_asItsOwnRegion() {
    String why = "the snapshot stream is for authz sidecars";
    assertUsageReportRefused(withoutCertificate(), "eu-lon-1", why);
    assertUsageReportRefused(as(Identity.gateway("eu-lon-1")), "eu-lon-1", why);
    assertUsageReportRefused(as(Identity.operator("local")), "eu-lon-1", why);
    assertUsageReportRefused(as(Identity.workspaceAdmin("demo", "ops")), "eu-lon-1", why);
    // A sidecar cannot count usage as another region's.
    assertUsageReportRefused(as(Identity.authz("eu-lon-1")), "eu-par-1",
        "sidecar asks as region 'eu-par-1' but its certificate is spiffe://gantry/authz/eu-lon-1");
  }

  private static void assertUsageReportRefused(ChannelCredentials credentials, String region, String why) {
    ManagedChannel channel = channel(credentials);
    try {
      assertThatThrownBy(() -> AuthzSnapshotServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
              .reportUsage(dev.gantry.proto.snapshot.v1.UsageReport.newBuilder().setSidecarId("outsider").setRegion(region)
                  .setReporter("outsider/1").setSequence(1).addCounts(dev.gantry.proto.snapshot.v1.UsageCount.newBuilder()
                      .setWorkspace("other").setWorkload("agt-echo-other").setCredential("forged").setRequests(1_000_000)
                      .setMinuteEpochSeconds(System.currentTimeMillis() / 60_000 * 60))
                  .build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
          .hasMessageContaining(why);
    } finally {
      channel.shutdownNow();
    }
    assertThat(dev.gantry.proto.admin.v1.UsageServiceGrpc.newBlockingStub(operator).getUsage(
        dev.gantry.proto.admin.v1.GetUsageRequest.newBuilder().setWorkspace("other").build()).getRowsList())
        .as("nothing counted").isEmpty();
  }

  @Test
  void usageApi_aWorkspaceAdminReadsItsOwnUsage_butSetsNoQuota() {
    ManagedChannel demoAdmin = pki.admin(stack.controlPlanePort, Identity.workspaceAdmin("demo", "ops"));
    try {
      var usage = dev.gantry.proto.admin.v1.UsageServiceGrpc.newBlockingStub(demoAdmin);
      assertThat(usage.getUsage(dev.gantry.proto.admin.v1.GetUsageRequest.newBuilder().setWorkspace("demo").build())
          .getWorkspace()).isEqualTo("demo");
      assertDenied(() -> usage.getUsage(dev.gantry.proto.admin.v1.GetUsageRequest.newBuilder().setWorkspace("other").build()),
          "workspace 'other' is not yours");
      assertDenied(() -> usage.setQuotas(dev.gantry.proto.admin.v1.SetQuotasRequest.newBuilder().setWorkspace("demo")
          .addQuotas(dev.gantry.proto.fleet.v1.Quota.newBuilder().setWindow("day").setTokens(1_000_000_000L)).build()),
          "");
      assertThat(audit()).anySatisfy(r -> {
        assertThat(r.getMethod()).isEqualTo("gantry.admin.v1.UsageService/SetQuotas");
        assertThat(r.getOutcome()).isEqualTo("PERMISSION_DENIED");
      });
    } finally {
      demoAdmin.shutdownNow();
    }
  }

  // ---- The admin API: authenticated, authorized per identity, audited.

  @Test
  void adminApi_withoutACredential_isUnauthenticated_andAudited() {
    ManagedChannel channel = channel(withoutCertificate());
    try {
      assertThatThrownBy(() -> WorkloadServiceGrpc.newBlockingStub(channel).createWorkload(create("agt-anon-demo")))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    } finally {
      channel.shutdownNow();
    }
    assertThat(audit()).anySatisfy(r -> {
      assertThat(r.getPrincipal()).isEqualTo("(none)");
      assertThat(r.getRequest()).contains("agt-anon-demo");
      assertThat(r.getOutcome()).isEqualTo("UNAUTHENTICATED");
    });
  }

  @Test
  void adminApi_aWorkspaceAdmin_managesItsOwnWorkspaceOnly_andEveryCallIsAudited() {
    ManagedChannel otherAdmin = pki.admin(stack.controlPlanePort, Identity.workspaceAdmin("other", "ops"));
    ManagedChannel demoAdmin = pki.admin(stack.controlPlanePort, Identity.workspaceAdmin("demo", "ops"));
    try {
      var demoKey = ApiKeyServiceGrpc.newBlockingStub(operator)
          .createApiKey(CreateApiKeyRequest.newBuilder().setWorkspace("demo").setName("trust-it").build());
      long before = version();

      assertDenied(() -> WorkloadServiceGrpc.newBlockingStub(otherAdmin).createWorkload(create("agt-sneaky-demo")),
          "belongs to workspace 'demo', not yours");
      assertDenied(() -> WorkloadServiceGrpc.newBlockingStub(otherAdmin).deleteWorkload(
          DeleteWorkloadRequest.newBuilder().setId("agt-echo-demo").build()), "belongs to workspace 'demo'");
      assertDenied(() -> ApiKeyServiceGrpc.newBlockingStub(otherAdmin).createApiKey(
          CreateApiKeyRequest.newBuilder().setWorkspace("demo").build()), "workspace 'demo' is not yours");
      assertDenied(() -> ApiKeyServiceGrpc.newBlockingStub(otherAdmin).revokeApiKey(
          RevokeApiKeyRequest.newBuilder().setId(demoKey.getInfo().getKey().getId()).build()), "is not one of workspace 'other's");
      assertThat(version()).as("nothing written").isEqualTo(before);
      assertThat(WorkloadServiceGrpc.newBlockingStub(otherAdmin).listWorkloads(ListWorkloadsRequest.getDefaultInstance())
          .getWorkloadsList()).as("its list is its workspace's").allSatisfy(w -> assertThat(w.getWorkload().getId()).endsWith("-other"));

      var created = WorkloadServiceGrpc.newBlockingStub(demoAdmin).createWorkload(create("agt-mine-demo"));
      assertThat(created.getWorkload().getId()).isEqualTo("agt-mine-demo");
      assertThat(version()).isEqualTo(before + 1);

      List<AuditRecord> audit = audit();
      assertThat(audit).anySatisfy(r -> {
        assertThat(r.getPrincipal()).isEqualTo("spiffe://gantry/workspace-admin/other/ops");
        assertThat(r.getMethod()).isEqualTo("gantry.admin.v1.WorkloadService/CreateWorkload");
        assertThat(r.getRequest()).contains("agt-sneaky-demo");
        assertThat(r.getOutcome()).isEqualTo("PERMISSION_DENIED");
      });
      assertThat(audit).anySatisfy(r -> {
        assertThat(r.getPrincipal()).isEqualTo("spiffe://gantry/workspace-admin/demo/ops");
        assertThat(r.getRequest()).contains("agt-mine-demo");
        assertThat(r.getOutcome()).isEqualTo("OK");
      });
      assertThat(audit).anySatisfy(r -> {
        assertThat(r.getPrincipal()).isEqualTo("spiffe://gantry/operator/local");
        assertThat(r.getMethod()).isEqualTo("gantry.admin.v1.ApiKeyService/CreateApiKey");
        assertThat(r.getOutcome()).isEqualTo("OK");
      });
      assertThat(audit).noneSatisfy(r -> assertThat(r.getMethod()).contains("ListWorkloads"));
      assertDenied(() -> AuditServiceGrpc.newBlockingStub(demoAdmin).listAudit(ListAuditRequest.getDefaultInstance()),
          "is for operators");
    } finally {
      otherAdmin.shutdownNow();
      demoAdmin.shutdownNow();
    }
  }

  private static CreateWorkloadRequest create(String id) {
    return CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().setId(id).setPublic(true).addRegions("eu-lon-1")).build();
  }

  private static void assertDenied(Runnable call, String why) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining(why);
  }

  private static long version() {
    return WorkloadServiceGrpc.newBlockingStub(operator).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
  }

  private static List<AuditRecord> audit() {
    return AuditServiceGrpc.newBlockingStub(operator).listAudit(ListAuditRequest.newBuilder().setLimit(1000).build())
        .getRecordsList();
  }

  // ---- Channels as an outsider builds them.

  private static ChannelCredentials withoutCertificate() {
    try {
      return TlsChannelCredentials.newBuilder().trustManager(pki.dir().resolve(TlsFiles.CA).toFile()).build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ChannelCredentials as(Identity identity) {
    try {
      return GrpcTls.client(pki.files(identity), peer -> peer.role() == Identity.Role.CONTROL_PLANE, TestPki.RELOADS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ManagedChannel channel(ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress("127.0.0.1", stack.controlPlanePort, credentials).build();
  }
}
