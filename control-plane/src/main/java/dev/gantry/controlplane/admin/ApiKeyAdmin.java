package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.ApiKeyMint;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.ApiKeyInfo;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreatedApiKey;
import dev.gantry.proto.admin.v1.ListApiKeysRequest;
import dev.gantry.proto.admin.v1.ListApiKeysResponse;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/** The admin API's API keys: created and shown once, listed without secrets, revoked. */
public final class ApiKeyAdmin extends ApiKeyServiceGrpc.ApiKeyServiceImplBase {

  private final FleetStore store;
  private final Deployments deployments;
  private final ApiKeyMint mint;
  private final Clock clock;

  public ApiKeyAdmin(FleetStore store, Deployments deployments, ApiKeyMint mint, Clock clock) {
    this.store = store;
    this.deployments = deployments;
    this.mint = mint;
    this.clock = clock;
  }

  @Override
  public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreatedApiKey> responses) {
    AdminStatus.answer(responses, () -> {
      Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      Set<String> scopes = request.getScopesCount() == 0 ? Deployments.SCOPES : new TreeSet<>(request.getScopesList());
      ApiKeyMint.Minted minted = mint.mint(request.getName(), scopes, now,
          request.getTtlSeconds() == 0 ? null : now.plusSeconds(request.getTtlSeconds()));
      FleetState stored = store.update(state -> deployments.addApiKey(state, request.getWorkspace(), minted.stored()));
      return CreatedApiKey.newBuilder()
          .setKey(minted.key())
          .setInfo(info(request.getWorkspace(), minted.stored(), stored.version()))
          .build();
    });
  }

  @Override
  public void listApiKeys(ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      FleetState state = store.current();
      ListApiKeysResponse.Builder list = ListApiKeysResponse.newBuilder();
      state.workspaces().values().stream()
          .filter(w -> request.getWorkspace().isEmpty() || w.id().equals(request.getWorkspace()))
          .sorted(Comparator.comparing(Workspace::id))
          .forEach(w -> w.apiKeys().forEach(k -> list.addKeys(info(w.id(), k, state.version()))));
      return list.build();
    });
  }

  @Override
  public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<ApiKeyInfo> responses) {
    AdminStatus.answer(responses, () -> {
      FleetState stored = store.update(state -> deployments.revokeApiKey(state, request.getId()));
      for (Workspace workspace : stored.workspaces().values()) {
        for (ApiKey key : workspace.apiKeys()) {
          if (key.id().equals(request.getId())) {
            return info(workspace.id(), key, stored.version());
          }
        }
      }
      throw new IllegalStateException("revoked key " + request.getId() + " vanished");
    });
  }

  private static ApiKeyInfo info(String workspace, ApiKey key, long version) {
    return ApiKeyInfo.newBuilder()
        .setId(key.id())
        .setWorkspace(workspace)
        .setName(key.name() == null ? "" : key.name())
        .addAllScopes(new TreeSet<>(key.scopes()))
        .setCreatedAtEpochSeconds(key.createdAt().getEpochSecond())
        .setExpiresAtEpochSeconds(key.expiresAt() == null ? 0 : key.expiresAt().getEpochSecond())
        .setRevoked(key.revoked())
        .setVersion(version)
        .build();
  }
}
