package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.ApiKeyMint;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.routing.Product;
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

  /** The longest lifetime a key may be given: ten years. */
  static final long MAX_TTL_SECONDS = 10L * 365 * 24 * 3600;

  private final FleetStore store;
  private final WorkspaceRules rules;
  private final ApiKeyMint mint;
  private final Clock clock;

  public ApiKeyAdmin(FleetStore store, WorkspaceRules rules, ApiKeyMint mint, Clock clock) {
    this.store = store;
    this.rules = rules;
    this.mint = mint;
    this.clock = clock;
  }

  @Override
  public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreatedApiKey> responses) {
    AdminStatus.answer(responses, () -> {
      Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      // uint64 on the wire: a value past Long.MAX_VALUE arrives negative here.
      long ttl = request.getTtlSeconds();
      if (ttl < 0 || ttl > MAX_TTL_SECONDS) {
        throw AdminStatus.invalid("ttl_seconds " + Long.toUnsignedString(ttl) + " (expected: 1 to " + MAX_TTL_SECONDS
            + ", ten years, or 0 for no expiry)");
      }
      Set<String> scopes = request.getScopesCount() == 0 ? Product.SCOPES : new TreeSet<>(request.getScopesList());
      ApiKeyMint.Minted minted = mint.mint(request.getName(), scopes, now, ttl == 0 ? null : now.plusSeconds(ttl));
      FleetState stored = store.update(state -> rules.addApiKey(state, request.getWorkspace(), minted.stored()));
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
      FleetState stored = store.update(state -> rules.revokeApiKey(state, request.getId()));
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
    // Never the hash: the admin API has no use for it.
    return ApiKeyInfo.newBuilder()
        .setKey(FleetCodec.apiKey(workspace, key).toBuilder().clearSecretSha256())
        .setVersion(version)
        .build();
  }
}
