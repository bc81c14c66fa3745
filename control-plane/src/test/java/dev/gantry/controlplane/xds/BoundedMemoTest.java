package dev.gantry.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedMemoTest {

  @Test
  void aValue_isMadeOnce_thenKept() {
    List<String> made = new ArrayList<>();
    BoundedMemo<String, String> memo = upperCasing(10, made);

    assertThat(memo.get("a")).isEqualTo("A");
    assertThat(memo.get("a")).isEqualTo("A");
    assertThat(memo.get("b")).isEqualTo("B");

    assertThat(made).containsExactly("a", "b");
  }

  @Test
  void pastItsCapacity_valuesAreMadeEachTime_andNoneIsKept() {
    List<String> made = new ArrayList<>();
    BoundedMemo<String, String> memo = upperCasing(2, made);
    memo.get("a");
    memo.get("b");

    assertThat(memo.get("c")).isEqualTo("C");
    assertThat(memo.get("c")).isEqualTo("C");
    assertThat(memo.get("a")).isEqualTo("A");

    assertThat(memo.size()).isEqualTo(2);
    assertThat(made).containsExactly("a", "b", "c", "c");
  }

  /** A memo of upper-cased keys, keeping {@code capacity}, that notes in {@code made} each key it makes a value for. */
  private static BoundedMemo<String, String> upperCasing(int capacity, List<String> made) {
    return new BoundedMemo<>(capacity, key -> {
      made.add(key);
      return key.toUpperCase();
    });
  }
}
