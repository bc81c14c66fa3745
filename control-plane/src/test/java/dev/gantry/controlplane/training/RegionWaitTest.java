package dev.gantry.controlplane.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.status.FleetStatusBoard;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegionWaitTest {

  private static final Set<String> REGIONS = Set.of("eu-lon-1", "eu-par-1");

  @Test
  void returns_onceEveryRegionReflectsTheState_wokenByTheBoard() throws Exception {
    FleetStatusBoard board = new FleetStatusBoard();
    RegionWait wait = new RegionWait(board);
    board.reflects("eu-lon-1", 7);

    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
      try {
        wait.await(REGIONS, 7, Duration.ofMinutes(1));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    board.reflects("eu-par-1", 6);
    assertThat(waiting).isNotDone(); // one region still behind (checked again below, once woken)
    board.reflects("eu-par-1", 8);

    waiting.get(1, TimeUnit.MINUTES);
    assertThat(board.reflected()).containsEntry("eu-par-1", 8L);
  }

  @Test
  void aRegionNeverGettingThere_failsTheWait_namingWhatIsReflected() {
    FleetStatusBoard board = new FleetStatusBoard();
    RegionWait wait = new RegionWait(board);
    board.reflects("eu-lon-1", 7);

    assertThatThrownBy(() -> wait.await(REGIONS, 7, Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("eu-lon-1=7")
        .hasMessageContaining("not state 7");
  }
}
