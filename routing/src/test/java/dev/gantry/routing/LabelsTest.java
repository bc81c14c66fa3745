package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void keysAndValues_ofTheGrammar_areLabels() {
    assertThat(Labels.isValid("team", "agents")).isTrue();
    assertThat(Labels.isValid("a", "")).as("an empty value").isTrue();
    assertThat(Labels.isValid("app.kubernetes_io-name", "Echo-1.2_x")).isTrue();
    assertThat(Labels.isValid("k".repeat(63), "v".repeat(63))).isTrue();
  }

  @Test
  void anythingThatCouldEndOrSplitTheLabelsHeader_orBreaksTheKeyShape_isNot() {
    assertThat(Labels.isValid("", "x")).as("an empty key").isFalse();
    assertThat(Labels.isValid("-team", "x")).as("a key starting with a symbol").isFalse();
    assertThat(Labels.isValid("team.", "x")).as("a key ending with a symbol").isFalse();
    assertThat(Labels.isValid("Team", "x")).as("an upper-case key").isFalse();
    assertThat(Labels.isValid("k".repeat(64), "x")).isFalse();
    assertThat(Labels.isValid("team", "v".repeat(64))).isFalse();
    for (String value : new String[] {"a,b=c", "a=b", "a b", "a\r\nx-gantry-workspace: demo", "ä"}) {
      assertThat(Labels.isValid("team", value)).as(value).isFalse();
    }
  }
}
