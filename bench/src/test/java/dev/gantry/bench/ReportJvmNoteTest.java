package dev.gantry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control plane at scale's heading says how the measured JVM ran it. */
class ReportJvmNoteTest {

  private static final String CACHE = "-XX:AOTCache=control-plane/target/gantry-control-plane.aot";

  @Test
  void theCacheAndTheInitialHeap_areNamed() {
    assertEquals(", -Xms1g, the control plane's AOT cache",
        Report.jvmNote(scale(List.of("-Xms1g", CACHE, "-Xmx16g"), "mixed mode, sharing")));
  }

  @Test
  void aCacheTheJvmDidNotMap_isNamedRefused() {
    assertEquals(", -Xms1g, its AOT cache refused by the JVM",
        Report.jvmNote(scale(List.of("-Xms1g", CACHE, "-Xmx16g"), "mixed mode")));
  }

  @Test
  void aJvmWithoutTheCache_saysSo() {
    assertEquals(", no AOT cache", Report.jvmNote(scale(List.of("-Xmx16g"), "mixed mode, sharing")));
  }

  @Test
  void anOlderResult_withoutArguments_saysNothing() {
    assertTrue(Report.jvmNote(new JsonObject()).isEmpty());
  }

  private static JsonObject scale(List<String> arguments, String vmInfo) {
    JsonArray array = new JsonArray();
    arguments.forEach(array::add);
    JsonObject scale = new JsonObject();
    scale.add("jvm_arguments", array);
    scale.addProperty("jvm_info", vmInfo);
    return scale;
  }
}
