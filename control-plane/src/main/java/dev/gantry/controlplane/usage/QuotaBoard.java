package dev.gantry.controlplane.usage;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Quota;
import dev.gantry.controlplane.model.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Which workspaces are over a quota now: every workspace's quotas against its usage in each
 * quota's current window, all regions together. Worked out again every second ({@link #refresh})
 * and handed to every sidecar with the answer to its usage report, so a sidecar learns of a
 * block within about two report intervals of the usage that crossed the budget.
 */
public final class QuotaBoard {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QuotaBoard.class);

  /**
   * A workspace over a quota.
   *
   * @param workspace the workspace
   * @param until the end of the quota's window: it is served again from then
   * @param quota which budget, in words
   */
  public record Block(String workspace, Instant until, String quota) {}

  /**
   * One quota's current window.
   *
   * @param quota the budget
   * @param start the window's start
   * @param end its end
   * @param used what was used in it so far
   * @param exceeded whether the budget is reached
   */
  public record Status(Quota quota, Instant start, Instant end, UsageCounts used, boolean exceeded) {}

  private final Supplier<FleetState> state;
  private final UsageBook book;
  private final Clock clock;
  private volatile List<Block> blocks = List.of();

  public QuotaBoard(Supplier<FleetState> state, UsageBook book, Clock clock) {
    this.state = state;
    this.book = book;
    this.clock = clock;
  }

  /** The blocks as of the last {@link #refresh}. */
  public List<Block> blocks() {
    return blocks;
  }

  /** Works the blocks out again from the current state and usage. */
  public void refresh() {
    Instant now = clock.instant();
    List<Block> next = new ArrayList<>();
    List<Block> before = blocks;
    for (Workspace workspace : state.get().workspaces().values()) {
      if (workspace.quotas().isEmpty()) {
        continue;
      }
      try {
        for (Status status : status(workspace, now)) {
          if (status.exceeded()) {
            next.add(new Block(workspace.id(), status.end(), status.quota().describe()));
          }
        }
      } catch (RuntimeException e) {
        // This workspace's usage could not be read: its blocks stand as they were, the others go on.
        before.stream().filter(b -> b.workspace().equals(workspace.id()) && b.until().isAfter(now)).forEach(next::add);
        log.warn("quotas of workspace {} not checked: {}", workspace.id(), e.toString());
      }
    }
    blocks = List.copyOf(next);
  }

  /** Each of {@code workspace}'s quotas in its window at {@code now}. */
  public List<Status> status(Workspace workspace, Instant now) {
    List<Status> statuses = new ArrayList<>();
    for (Quota quota : workspace.quotas()) {
      Instant start = quota.window().start(now);
      UsageCounts used = book.total(workspace.id(), start.getEpochSecond());
      boolean exceeded = (quota.tokens() > 0 && used.tokens() >= quota.tokens())
          || (quota.requests() > 0 && used.requests() >= quota.requests());
      statuses.add(new Status(quota, start, start.plusSeconds(quota.window().seconds()), used, exceeded));
    }
    return statuses;
  }
}
