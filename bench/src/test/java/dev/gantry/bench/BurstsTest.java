package dev.gantry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BurstsTest {

  private static JsonObject burst(long at, long served, String answers) {
    return JsonParser.parseString("""
        {"connections": %d, "2xx": %d, "ttfb_ms": {"min": 700.0, "mean": 1300.0, "max": 2400.0},
         "answers_by_status_and_flags": %s}
        """.formatted(at, served, answers)).getAsJsonObject();
  }

  private static String verdict(String row) {
    String[] cells = row.trim().split("\\|");
    return cells[cells.length - 1].trim();
  }

  @Test
  void everyRequestServed_meets_howeverLate() {
    String row = Bursts.row("requests", burst(2000, 2000, "{\"200 -\": 2000}"));
    assertEquals("meets", verdict(row));
    assertTrue(row.contains("2,000 of 2,000 served; time to first byte min 700, mean 1300, max 2400 ms"), row);
  }

  @Test
  void anyRefusal_fallsShort_andNamesItsStatusAndFlags() {
    String row = Bursts.row("streams", burst(8000, 5512, "{\"200 -\": 5512, \"503 UAEX\": 2488}"));
    assertEquals("falls short: 2488 not served", verdict(row));
    assertTrue(row.contains("(refused: 2488 × 503 UAEX)"), row);
  }

  @Test
  void aRequestThatGotNoAnswerAtAll_fallsShort() {
    // h2load counted 1,990 answers: 10 connections errored without any status.
    assertEquals("falls short: 10 not served", verdict(Bursts.row("requests", burst(2000, 1990, "{\"200 -\": 1990}"))));
  }

  @Test
  void aRunWithoutBursts_hasNoSection_andOneWithBoth_listsThemInOrder(@TempDir Path results) throws Exception {
    assertEquals("", Bursts.section(results));
    Files.writeString(results.resolve("burst-cold.json"), burst(2000, 2000, "{\"200 -\": 2000}").toString());
    Files.writeString(results.resolve("burst-warm-sse.json"), burst(8000, 8000, "{\"200 -\": 8000}").toString());
    String md = Bursts.section(results);
    int warm = md.indexOf("8,000 SSE streams");
    int cold = md.indexOf("2,000 requests opened at once");
    assertTrue(warm >= 0 && cold >= 0 && warm < cold, md);
  }
}
