package dev.gantry.controlplane.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Quota;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.store.Database;
import dev.gantry.proto.snapshot.v1.UsageCount;
import dev.gantry.proto.snapshot.v1.UsageReport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The usage books (memory and SQL, the same behaviour), the intake's once-only counting, and the
 * quota board's windows.
 */
class UsageBooksTest {

  static Stream<UsageBook> books() {
    return Stream.of(new MemoryUsageBook(), new SqlUsageBook(Database.inMemory("usage-" + UUID.randomUUID())));
  }

  private static final long T = 1_800_000_000L - 1_800_000_000L % 86_400; // a day's start

  private static UsageMinute minute(String workspace, String workload, String region, long minute, long in, long out) {
    return new UsageMinute(workspace, workload, "key-1", region, minute, new UsageCounts(1, in, out, 0, 100, 0, 0));
  }

  @ParameterizedTest
  @MethodSource("books")
  void addsUp_byWorkloadAndPeriod_fromATime(UsageBook book) {
    book.add(List.of(minute("demo", "agt-a-demo", "eu-lon-1", T, 10, 5), minute("demo", "agt-a-demo", "eu-par-1", T, 1, 1)));
    book.add(List.of(minute("demo", "agt-a-demo", "eu-lon-1", T, 10, 5), minute("demo", "agt-b-demo", "eu-lon-1", T + 3600, 7, 0),
        minute("other", "agt-c-other", "eu-lon-1", T, 1000, 1000)));

    assertThat(book.total("demo", T)).isEqualTo(new UsageCounts(4, 28, 11, 0, 400, 0, 0));
    assertThat(book.total("demo", T + 60).tokens()).as("from a later minute").isEqualTo(7);
    Map<String, java.util.SortedMap<Long, UsageCounts>> hours = book.byWorkload("demo", T, 3600);
    assertThat(hours.keySet()).containsExactly("agt-a-demo", "agt-b-demo");
    assertThat(hours.get("agt-a-demo")).containsOnlyKeys(T);
    assertThat(hours.get("agt-a-demo").get(T).tokens()).isEqualTo(32);
    assertThat(book.byWorkload("demo", T, 86_400).get("agt-b-demo")).containsOnlyKeys(T);

    book.dropBefore(T + 60);
    assertThat(book.total("demo", 0).tokens()).isEqualTo(7);
  }

  @ParameterizedTest
  @MethodSource("books")
  void aReportSentAgain_isCountedOnce_andAMalformedOneNotAtAll(UsageBook book) {
    UsageIntake intake = new UsageIntake(book);
    UsageReport report = UsageReport.newBuilder().setRegion("eu-lon-1").setReporter("s/1").setSequence(1)
        .addCounts(UsageCount.newBuilder().setWorkspace("demo").setWorkload("agt-a-demo").setCredential("k")
            .setMinuteEpochSeconds(T).setRequests(1).setInputTokens(3).setOutputTokens(4))
        .build();
    intake.accept(report);
    intake.accept(report);
    intake.accept(report.toBuilder().setReporter("s/2").build());
    assertThat(book.total("demo", 0).requests()).as("once per reporter").isEqualTo(2);

    assertThatThrownBy(() -> intake.accept(report.toBuilder().setSequence(2).addCounts(UsageCount.newBuilder()
        .setWorkspace("demo").setWorkload("agt-a-demo").setCredential("k").setMinuteEpochSeconds(T + 1)).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> intake.accept(report.toBuilder().setSequence(3).addCounts(UsageCount.newBuilder()
        .setWorkspace("demo").setWorkload("agt-a-demo").setCredential("k").setMinuteEpochSeconds(T).setRequests(-1)).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> intake.accept(report.toBuilder().setSequence(4).addCounts(UsageCount.newBuilder()
        .setWorkspace("demo").setWorkload("agt-a-demo").setCredential("k").setMinuteEpochSeconds(T)
        .setInputTokens(UsageIntake.MAX_COUNT + 1)).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(book.total("demo", 0).requests()).as("nothing of a malformed report").isEqualTo(2);

    // What is added never overflows: it stays at the largest long.
    assertThat(new UsageCounts(1, Long.MAX_VALUE - 1, 5, 0, 0, 0, 0).plus(new UsageCounts(1, 5, 5, 0, 0, 0, 0)).inputTokens())
        .isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest
  @MethodSource("books")
  void quotaBoard_blocksUntilTheWindowEnds_countingEveryRegion(UsageBook book) {
    Workspace demo = new Workspace("demo", List.of()).withQuotas(List.of(new Quota(Quota.Window.HOUR, 30, 0),
        new Quota(Quota.Window.MINUTE, 0, 3)));
    FleetState state = FleetState.empty().withWorkspaces(Map.of("demo", demo, "other", new Workspace("other", List.of())));
    Instant now = Instant.ofEpochSecond(T + 3600 + 125); // 2 min 5 s into an hour
    QuotaBoard board = new QuotaBoard(() -> state, book, Clock.fixed(now, ZoneOffset.UTC));

    book.add(List.of(minute("demo", "agt-a-demo", "eu-lon-1", T, 100, 100))); // the hour before: not counted
    book.add(List.of(minute("demo", "agt-a-demo", "eu-lon-1", T + 3600, 10, 5)));
    board.refresh();
    assertThat(board.blocks()).isEmpty();

    book.add(List.of(minute("demo", "agt-a-demo", "eu-par-1", T + 3600 + 60, 10, 5)));
    board.refresh();
    assertThat(board.blocks()).containsExactly(
        new QuotaBoard.Block("demo", Instant.ofEpochSecond(T + 7200), "30 tokens per hour"));

    book.add(List.of(minute("demo", "agt-a-demo", "eu-lon-1", T + 3600 + 120, 0, 0),
        minute("demo", "agt-b-demo", "eu-lon-1", T + 3600 + 120, 0, 0),
        minute("demo", "agt-b-demo", "eu-par-1", T + 3600 + 120, 0, 0)));
    board.refresh();
    assertThat(board.blocks()).contains(new QuotaBoard.Block("demo", Instant.ofEpochSecond(T + 3600 + 180), "3 requests per minute"));
    assertThat(board.status(demo, now)).hasSize(2).allSatisfy(s -> assertThat(s.exceeded()).isTrue());
  }

  @org.junit.jupiter.api.Test
  void quotas_areValidated() {
    assertThatThrownBy(() -> new Quota(Quota.Window.HOUR, 0, 0)).hasMessageContaining("a positive number");
    assertThatThrownBy(() -> Quota.Window.parse("week")).hasMessageContaining("minute, hour or day");
    assertThatThrownBy(() -> new Workspace("demo", List.of()).withQuotas(List.of(new Quota(Quota.Window.DAY, 1, 0),
        new Quota(Quota.Window.DAY, 2, 0)))).hasMessageContaining("at most one per window");
  }
}
