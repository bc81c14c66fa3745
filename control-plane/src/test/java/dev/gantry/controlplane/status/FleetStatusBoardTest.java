package dev.gantry.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FleetStatusBoardTest {

  @Test
  void everyListenerAdded_isCalledAtEachChange() {
    FleetStatusBoard board = new FleetStatusBoard();
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    board.onChange(first::incrementAndGet);
    board.onChange(second::incrementAndGet);

    board.reflects("eu-lon-1", 3);
    board.reflectsExactly("eu-lon-1", 2);

    assertThat(first).hasValue(2);
    assertThat(second).hasValue(2);
    assertThat(board.reflected()).containsEntry("eu-lon-1", 2L);
  }

  @Test
  void aListenerThatThrows_doesNotKeepTheOthersFromBeingCalled() {
    FleetStatusBoard board = new FleetStatusBoard();
    AtomicInteger after = new AtomicInteger();
    board.onChange(() -> {
      throw new IllegalStateException("a broken listener");
    });
    board.onChange(after::incrementAndGet);

    board.reflects("eu-lon-1", 3);

    assertThat(after).hasValue(1);
  }
}
