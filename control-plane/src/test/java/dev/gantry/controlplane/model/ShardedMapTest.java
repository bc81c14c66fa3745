package dev.gantry.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ShardedMap against a HashMap given the same changes, and what consecutive versions share. */
class ShardedMapTest {

  @Test
  void randomChanges_sameAsHashMap_earlierVersionsUnchanged() {
    Random random = new Random(7);
    ShardedMap<String, Integer> sharded = ShardedMap.empty();
    Map<String, Integer> expected = new HashMap<>();
    for (int round = 0; round < 300; round++) {
      ShardedMap<String, Integer> before = sharded;
      Map<String, Integer> expectedBefore = Map.copyOf(expected);
      List<String> removed = new ArrayList<>();
      Map<String, Integer> added = new HashMap<>();
      for (int i = random.nextInt(50); i > 0; i--) {
        String key = "k" + random.nextInt(3000);
        if (random.nextBoolean()) {
          removed.add(key);
        } else {
          added.put(key, random.nextInt());
        }
      }
      removed.forEach(expected::remove);
      expected.putAll(added);
      sharded = sharded.with(removed, added);

      assertThat(sharded).isEqualTo(expected);
      assertThat(sharded.size()).isEqualTo(expected.size());
      // Walked whole (a map's equals walks only one side's entries, and trusts size()).
      assertThat(new java.util.ArrayList<>(sharded.keySet())).containsExactlyInAnyOrderElementsOf(expected.keySet());
      assertThat(before).as("an earlier version is never changed").isEqualTo(expectedBefore);
      // Every key whose value changed is found, and nothing the change did not touch.
      java.util.Set<String> changed = new java.util.HashSet<>();
      java.util.Set<String> touched = new java.util.HashSet<>(removed);
      touched.addAll(added.keySet());
      touched.forEach(key -> {
        if (!java.util.Objects.equals(expectedBefore.get(key), expected.get(key))) {
          changed.add(key);
        }
      });
      assertThat(ShardedMap.keysDiffering(before, sharded)).containsAll(changed).isSubsetOf(touched);
    }
    assertThat(sharded.size()).isGreaterThan(1000);
  }

  @Test
  void removedThenAddedInOneChange_isThere() {
    ShardedMap<String, Integer> map = ShardedMap.<String, Integer>empty().with(List.of(), Map.of("a", 1));

    assertThat(map.with(List.of("a"), Map.of("a", 2))).isEqualTo(Map.of("a", 2));
    assertThat(map.with(List.of("a"), Map.of())).isEmpty();
    assertThat(map.with(List.of(), Map.of())).isSameAs(map);
  }
}
