package dev.gantry.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

  @Test
  void regionsAllHolding_namesTheConnectedRegions_onlyWhileEveryEnvoyHoldsWhatItsRegionPublishes() {
    FleetStatusBoard board = new FleetStatusBoard();
    assertThat(board.regionsAllHolding()).as("none connected").isEmpty();
    board.envoyConnected(1, "gateway-eu-lon-1", "eu-lon-1");
    board.envoyConnected(2, "gateway-eu-par-1", "eu-par-1");
    assertThat(board.regionsAllHolding()).as("nothing published yet").isEmpty();

    board.published("eu-lon-1", Map.of("clusters", "c1", "listeners", "l1"));
    board.published("eu-par-1", Map.of("clusters", "p1", "listeners", "l1"));
    board.acked(1, "clusters", "c1");
    board.acked(1, "listeners", "l1");
    board.acked(2, "clusters", "p1");
    assertThat(board.regionsAllHolding()).as("Paris lacks its listeners").isEmpty();
    board.acked(2, "listeners", "l1");
    assertThat(board.regionsAllHolding()).containsExactlyInAnyOrder("eu-lon-1", "eu-par-1");

    board.published("eu-lon-1", Map.of("clusters", "c2", "listeners", "l1"));
    assertThat(board.regionsAllHolding()).as("London's new clusters not yet taken").isEmpty();
    board.envoyDisconnected(1);
    assertThat(board.regionsAllHolding()).as("the one behind is gone").containsExactly("eu-par-1");
    board.acked(1, "clusters", "c2");
    assertThat(board.regionsAllHolding()).as("an ACK from a closed stream counts for nothing").containsExactly("eu-par-1");
  }

  @Test
  void aTypePublishedNoMore_doesNotKeepAnEnvoyBehind() {
    FleetStatusBoard board = new FleetStatusBoard();
    board.envoyConnected(1, "gateway-eu-lon-1", "eu-lon-1");
    board.published("eu-lon-1", Map.of("clusters", "c1", "secrets", "s1"));
    board.acked(1, "clusters", "c1");
    board.acked(1, "secrets", "s1");
    assertThat(board.regionsAllHolding()).containsExactly("eu-lon-1");

    // The last edge certificate removed: no secrets published; the Envoy keeps its ACK of s1.
    board.published("eu-lon-1", Map.of("clusters", "c2"));
    assertThat(board.regionsAllHolding()).isEmpty();
    board.acked(1, "clusters", "c2");

    assertThat(board.regionsAllHolding()).containsExactly("eu-lon-1");
    assertThat(FleetStatusBoard.holds(Map.of("clusters", "c2"), board.envoy(1).acked())).isTrue();
    assertThat(FleetStatusBoard.holds(Map.of(), Map.of())).as("nothing published is nothing held").isFalse();
  }

  /**
   * The tally kept at each ACK, publication, connection and disconnection agrees with the
   * definition, computed over every Envoy, after each step of random sequences.
   */
  @Test
  void regionsAllHolding_agreesWithEveryEnvoyChecked_overRandomSequences() {
    List<String> regions = List.of("eu-lon-1", "eu-par-1", "us-pdx-1");
    List<String> types = List.of("clusters", "listeners");
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      FleetStatusBoard board = new FleetStatusBoard();
      for (int step = 0; step < 60; step++) {
        long stream = random.nextInt(6);
        String region = regions.get(random.nextInt(regions.size()));
        String version = "v" + random.nextInt(3);
        switch (random.nextInt(4)) {
          case 0 -> board.envoyConnected(stream, "gateway-" + stream, region);
          case 1 -> board.envoyDisconnected(stream);
          case 2 -> board.acked(stream, types.get(random.nextInt(types.size())), version);
          default -> board.published(region, random.nextBoolean()
              ? Map.of("clusters", version, "listeners", "v0") : Map.of("clusters", version));
        }
        assertThat(board.regionsAllHolding()).as("seed %d, step %d", seed, step).isEqualTo(expected(board));
      }
    }
  }

  /** The regions of the connected Envoys if every one has ACKed each of its region's published versions, else none. */
  private static Set<String> expected(FleetStatusBoard board) {
    Set<String> regions = new HashSet<>();
    for (FleetStatusBoard.Envoy envoy : board.envoys()) {
      Map<String, String> published = board.published().get(envoy.region());
      if (published == null || published.isEmpty()
          || !published.entrySet().stream().allMatch(t -> t.getValue().equals(envoy.acked().get(t.getKey())))) {
        return Set.of();
      }
      regions.add(envoy.region());
    }
    return regions;
  }
}
