package dev.gantry.cli;

import dev.gantry.proto.admin.v1.GetUsageRequest;
import dev.gantry.proto.admin.v1.QuotaStatus;
import dev.gantry.proto.admin.v1.QuotasInfo;
import dev.gantry.proto.admin.v1.SetQuotasRequest;
import dev.gantry.proto.admin.v1.UsageInfo;
import dev.gantry.proto.admin.v1.UsageRow;
import dev.gantry.proto.admin.v1.UsageServiceGrpc;
import dev.gantry.proto.fleet.v1.Quota;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry usage} and {@code gantry quota}: what workspaces' metered workloads used, and their budgets. */
final class UsageCommands {

  private UsageCommands() {}

  static UsageServiceGrpc.UsageServiceBlockingStub stub(io.grpc.Channel channel) {
    return UsageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Command(name = "usage", mixinStandardHelpOptions = true,
      description = "What a workspace's metered workloads used (all regions), per workload and hour or day, and its quotas.")
  static final class Usage extends Admin implements Runnable {
    @Option(names = "--workspace", required = true)
    String workspace;

    @Option(names = "--since", defaultValue = "1h", paramLabel = "DURATION",
        description = "how far back: 90m, 1h, 2d (default ${DEFAULT-VALUE}; at most 31d)")
    String since;

    @Option(names = "--by", defaultValue = "hour", description = "hour (default) or day")
    String by;

    @Override
    public void run() {
      long seconds = seconds(since);
      UsageInfo info = call(channel -> stub(channel).getUsage(GetUsageRequest.newBuilder()
          .setWorkspace(workspace).setSinceSeconds((int) Math.min(Integer.MAX_VALUE, seconds)).setBy(by).build()));
      print(info, UsageCommands::describe);
    }
  }

  static String describe(UsageInfo info) {
    Table table = new Table("WORKLOAD", "FROM (UTC)", "REQUESTS", "INPUT", "OUTPUT", "CACHED", "BYTES", "NO-USAGE", "INCOMPLETE");
    for (UsageRow row : info.getRowsList()) {
      table.row(row.getWorkload(), Instant.ofEpochSecond(row.getPeriodStartEpochSeconds()), row.getRequests(),
          row.getInputTokens(), row.getOutputTokens(), row.getCachedTokens(), row.getBytes(), row.getWithoutUsage(),
          row.getIncomplete());
    }
    StringBuilder out = new StringBuilder();
    out.append(info.getRowsCount() == 0 ? "no metered usage of workspace " + info.getWorkspace() + " in that time"
        + System.lineSeparator() : table.toString());
    if (info.getStatusCount() == 0) {
      out.append("quotas: none").append(System.lineSeparator());
    }
    for (QuotaStatus status : info.getStatusList()) {
      out.append("quota ").append(quota(status.getQuota())).append(": used ")
          .append(status.getUsedTokens()).append(" tokens, ").append(status.getUsedRequests()).append(" requests since ")
          .append(Instant.ofEpochSecond(status.getWindowStartEpochSeconds()))
          .append(status.getExceeded() ? " — EXCEEDED until " + Instant.ofEpochSecond(status.getWindowEndEpochSeconds()) : "")
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  static String quota(Quota quota) {
    List<String> parts = new ArrayList<>();
    if (quota.getTokens() > 0) {
      parts.add(quota.getTokens() + " tokens");
    }
    if (quota.getRequests() > 0) {
      parts.add(quota.getRequests() + " requests");
    }
    return String.join(" and ", parts) + " per " + quota.getWindow();
  }

  /** {@code 90s}, {@code 90m}, {@code 1h}, {@code 2d}. */
  static long seconds(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-9][0-9]{0,6})([smhd])").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("--since '" + text + "' (expected: a number and s, m, h or d, e.g. 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> Duration.ofMinutes(n).toSeconds();
      case "h" -> Duration.ofHours(n).toSeconds();
      default -> Duration.ofDays(n).toSeconds();
    };
  }

  @Command(name = "quota", mixinStandardHelpOptions = true,
      description = "A workspace's budgets for its metered workloads, all regions together (operators only).",
      subcommands = {Set.class})
  static final class QuotaCommand {}

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Replace a workspace's quotas; none given: no budget. Over a budget, its metered workloads answer"
          + " 429 quota-exceeded with Retry-After until the window (UTC minute, hour or day) ends.")
  static final class Set extends Admin implements Runnable {
    @Option(names = "--workspace", required = true)
    String workspace;

    @Option(names = "--tokens-per-minute", paramLabel = "N") long tokensPerMinute;
    @Option(names = "--tokens-per-hour", paramLabel = "N") long tokensPerHour;
    @Option(names = "--tokens-per-day", paramLabel = "N") long tokensPerDay;
    @Option(names = "--requests-per-minute", paramLabel = "N") long requestsPerMinute;
    @Option(names = "--requests-per-hour", paramLabel = "N") long requestsPerHour;
    @Option(names = "--requests-per-day", paramLabel = "N") long requestsPerDay;

    @Override
    public void run() {
      SetQuotasRequest.Builder request = SetQuotasRequest.newBuilder().setWorkspace(workspace);
      add(request, "minute", tokensPerMinute, requestsPerMinute);
      add(request, "hour", tokensPerHour, requestsPerHour);
      add(request, "day", tokensPerDay, requestsPerDay);
      QuotasInfo info = call(channel -> stub(channel).setQuotas(request.build()));
      print(info, q -> "workspace " + q.getWorkspace() + " quotas: " + (q.getQuotasCount() == 0 ? "none"
          : q.getQuotasList().stream().map(UsageCommands::quota).collect(Collectors.joining(", ")))
          + System.lineSeparator());
    }

    private static void add(SetQuotasRequest.Builder request, String window, long tokens, long requests) {
      if (tokens < 0 || requests < 0) {
        throw new IllegalArgumentException("a quota is a positive number");
      }
      if (tokens > 0 || requests > 0) {
        request.addQuotas(Quota.newBuilder().setWindow(window).setTokens(tokens).setRequests(requests));
      }
    }
  }
}
