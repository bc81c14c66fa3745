package dev.gantry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control plane at scale's heading says how the measured JVM ran it. */
class ReportJvmNoteTest {

  @Test
  void theCacheAndTheInitialHeap_areNamed() {
    assertEquals(", -Xms1g, the control plane's AOT cache",
        Report.jvmNote(scale(List.of("-Xms1g", "-XX:AOTCache=control-plane/target/gantry-control-plane.aot", "-Xmx16g"))));
  }

  @Test
  void aJvmWithoutTheCache_saysSo() {
    assertEquals(", no AOT cache", Report.jvmNote(scale(List.of("-Xmx16g"))));
  }

  @Test
  void anOlderResult_withoutArguments_saysNothing() {
    assertTrue(Report.jvmNote(new JsonObject()).isEmpty());
  }

  private static JsonObject scale(List<String> arguments) {
    JsonArray array = new JsonArray();
    arguments.forEach(array::add);
    JsonObject scale = new JsonObject();
    scale.add("jvm_arguments", array);
    return scale;
  }
}
