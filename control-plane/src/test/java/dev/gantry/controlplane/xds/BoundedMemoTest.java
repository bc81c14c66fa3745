package dev.gantry.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedMemoTest {

  @Test
  void aValue_isMadeOnce_thenKept() {
    List<String> made = new ArrayList<>();
    BoundedMemo<String, String> memo = new BoundedMemo<>(10, key -> {
      made.add(key);
      return key.toUpperCase();
    });

    assertThat(memo.get("a")).isEqualTo("A");
    assertThat(memo.get("a")).isEqualTo("A");
    assertThat(memo.get("b")).isEqualTo("B");

    assertThat(made).containsExactly("a", "b");
  }

  @Test
  void pastItsCapacity_valuesAreMadeEachTime_andNoneIsKept() {
    List<String> made = new ArrayList<>();
    BoundedMemo<String, String> memo = new BoundedMemo<>(2, key -> {
      made.add(key);
      return key.toUpperCase();
    });
    memo.get("a");
    memo.get("b");

    assertThat(memo.get("c")).isEqualTo("C");
    assertThat(memo.get("c")).isEqualTo("C");
    assertThat(memo.get("a")).isEqualTo("A");

    assertThat(memo.size()).isEqualTo(2);
    assertThat(made).containsExactly("a", "b", "c", "c");
  }
}
