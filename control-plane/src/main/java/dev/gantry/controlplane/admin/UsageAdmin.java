package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Quota;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.controlplane.usage.QuotaBoard;
import dev.gantry.controlplane.usage.UsageBook;
import dev.gantry.controlplane.usage.UsageCounts;
import dev.gantry.proto.admin.v1.GetUsageRequest;
import dev.gantry.proto.admin.v1.QuotaStatus;
import dev.gantry.proto.admin.v1.QuotasInfo;
import dev.gantry.proto.admin.v1.SetQuotasRequest;
import dev.gantry.proto.admin.v1.UsageInfo;
import dev.gantry.proto.admin.v1.UsageRow;
import dev.gantry.proto.admin.v1.UsageServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The admin API's usage: what a workspace's metered workloads used, and its quotas. */
public final class UsageAdmin extends UsageServiceGrpc.UsageServiceImplBase {

  /** The farthest back usage can be asked for: what the book keeps, less a day. */
  static final long MAX_SINCE_SECONDS = (UsageBook.RETENTION_DAYS - 1) * 86_400L;

  private final FleetStore store;
  private final WorkspaceRules rules;
  private final UsageBook book;
  private final QuotaBoard quotas;
  private final Clock clock;

  public UsageAdmin(FleetStore store, WorkspaceRules rules, UsageBook book, QuotaBoard quotas, Clock clock) {
    this.store = store;
    this.rules = rules;
    this.book = book;
    this.quotas = quotas;
    this.clock = clock;
  }

  @Override
  public void getUsage(GetUsageRequest request, StreamObserver<UsageInfo> responses) {
    AdminStatus.answer(responses, () -> {
      Workspace workspace = store.current().workspaces().get(request.getWorkspace());
      if (workspace == null) {
        throw new Refusal(Refusal.Kind.NOT_FOUND, "workspace '" + request.getWorkspace() + "' does not exist");
      }
      long since = request.getSinceSeconds() == 0 ? 3600 : Integer.toUnsignedLong(request.getSinceSeconds());
      if (since > MAX_SINCE_SECONDS) {
        throw AdminStatus.invalid("since " + since + " s (expected: at most " + MAX_SINCE_SECONDS + " s, "
            + (UsageBook.RETENTION_DAYS - 1) + " days: usage is kept " + UsageBook.RETENTION_DAYS + " days)");
      }
      long period = switch (request.getBy()) {
        case "", "hour" -> 3600;
        case "day" -> 86_400;
        default -> throw AdminStatus.invalid("by '" + request.getBy() + "' (expected: hour or day)");
      };
      Instant now = clock.instant();
      UsageInfo.Builder info = UsageInfo.newBuilder().setWorkspace(workspace.id());
      Map<String, SortedMap<Long, UsageCounts>> rows = book.byWorkload(workspace.id(), now.getEpochSecond() - since, period);
      rows.forEach((workload, periods) -> periods.forEach((start, counts) -> info.addRows(UsageRow.newBuilder()
          .setWorkload(workload).setPeriodStartEpochSeconds(start).setRequests(counts.requests())
          .setInputTokens(counts.inputTokens()).setOutputTokens(counts.outputTokens())
          .setCachedTokens(counts.cachedTokens()).setBytes(counts.bytes()).setWithoutUsage(counts.withoutUsage())
          .setIncomplete(counts.incomplete()))));
      for (QuotaBoard.Status status : quotas.status(workspace, now)) {
        info.addQuotas(FleetCodec.quota(status.quota()));
        info.addStatus(QuotaStatus.newBuilder().setQuota(FleetCodec.quota(status.quota()))
            .setWindowStartEpochSeconds(status.start().getEpochSecond())
            .setWindowEndEpochSeconds(status.end().getEpochSecond())
            .setUsedTokens(status.used().tokens()).setUsedRequests(status.used().requests())
            .setExceeded(status.exceeded()));
      }
      return info.build();
    });
  }

  @Override
  public void setQuotas(SetQuotasRequest request, StreamObserver<QuotasInfo> responses) {
    AdminStatus.answer(responses, () -> {
      List<Quota> next;
      try {
        next = request.getQuotasList().stream().map(FleetCodec::quota).toList();
      } catch (IllegalArgumentException e) {
        throw AdminStatus.invalid(e.getMessage());
      }
      FleetState stored = store.update(state -> rules.setQuotas(state, request.getWorkspace(), next));
      // The new budget counts from the next report's answer, not a second later (or, if the
      // usage cannot be read now, from the next check: the quotas are stored either way).
      try {
        quotas.refresh();
      } catch (RuntimeException e) {
        // QuotaBoard's schedule checks again within a second.
      }
      return QuotasInfo.newBuilder().setWorkspace(request.getWorkspace())
          .addAllQuotas(stored.workspaces().get(request.getWorkspace()).quotas().stream().map(FleetCodec::quota).toList())
          .setVersion(stored.version()).build();
    });
  }
}
