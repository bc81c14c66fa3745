package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.deploy.PreviewRules;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.StreamLimits;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.CreatePreviewRequest;
import dev.gantry.proto.admin.v1.CreatePreviewTokenRequest;
import dev.gantry.proto.admin.v1.CreatedPreviewToken;
import dev.gantry.proto.admin.v1.DeletePreviewRequest;
import dev.gantry.proto.admin.v1.PreviewServiceGrpc;
import dev.gantry.proto.admin.v1.RevokePreviewTokenRequest;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.WorkloadId;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The admin API's preview URLs: expose a sandbox's port, stop, mint a token, revoke one. */
public final class PreviewAdmin extends PreviewServiceGrpc.PreviewServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final PreviewRules rules;
  private final Clock clock;

  public PreviewAdmin(Topology topology, FleetStore store, PreviewRules rules, Clock clock) {
    this.topology = topology;
    this.store = store;
    this.rules = rules;
    this.clock = clock;
  }

  @Override
  public void createPreview(CreatePreviewRequest request, StreamObserver<WorkloadInfo> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getWorkload());
      FleetState stored = store.update(state -> rules.expose(state, id, port(request.getPort()), request.getPublic()));
      return AdminMessages.workload(topology, stored, stored.workloads().get(id));
    });
  }

  @Override
  public void deletePreview(DeletePreviewRequest request, StreamObserver<WorkloadInfo> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getWorkload());
      FleetState stored = store.update(state -> rules.close(state, id, port(request.getPort())));
      return AdminMessages.workload(topology, stored, stored.workloads().get(id));
    });
  }

  @Override
  public void createPreviewToken(CreatePreviewTokenRequest request, StreamObserver<CreatedPreviewToken> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getWorkload());
      int port = port(request.getPort());
      Duration ttl = request.getTtl().isEmpty() ? PreviewRules.DEFAULT_TTL : ttl(request.getTtl());
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      AtomicReference<PreviewRules.Minted> minted = new AtomicReference<>();
      FleetState stored = store.update(state -> {
        PreviewRules.Minted made = rules.mint(state, id, port, ttl, now);
        minted.set(made);
        return made.state();
      });
      return CreatedPreviewToken.newBuilder()
          .setToken(minted.get().token())
          .setId(minted.get().stored().id())
          .setExpiresAtEpochSeconds(minted.get().stored().expiresAt().getEpochSecond())
          .addAllUrls(urls(stored.workloads().get(id), port))
          .build();
    });
  }

  @Override
  public void revokePreviewToken(RevokePreviewTokenRequest request, StreamObserver<WorkloadInfo> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getWorkload());
      FleetState stored = store.update(state -> rules.revoke(state, id, request.getId()));
      return AdminMessages.workload(topology, stored, stored.workloads().get(id));
    });
  }

  /** The port's preview URLs: one per region the sandbox runs in, then the global one, per base domain. */
  private List<String> urls(Workload sandbox, int port) {
    List<String> urls = new ArrayList<>();
    for (String base : new java.util.TreeSet<>(topology.baseDomains())) {
      String label = port + ClusterNames.PREVIEW_SEPARATOR + sandbox.id();
      sandbox.regions().forEach(region -> urls.add("https://" + label + "." + region + "." + base));
      urls.add("https://" + label + "." + base);
    }
    return urls;
  }

  private static int port(int port) {
    if (port < dev.gantry.routing.HostnameGrammar.MIN_PREVIEW_PORT || port > 65535) {
      throw AdminStatus.invalid("port " + Integer.toUnsignedString(port) + " (expected: "
          + dev.gantry.routing.HostnameGrammar.MIN_PREVIEW_PORT + " to 65535)");
    }
    return port;
  }

  /** "15m", "1h", "7d". */
  private static Duration ttl(String text) {
    if (text.matches("[1-9][0-9]{0,2}d")) {
      return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    try {
      return StreamLimits.parse(text);
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid("ttl '" + text + "' (expected: a whole number with s, m, h or d, e.g. 15m, 1h, 7d)");
    }
  }
}
