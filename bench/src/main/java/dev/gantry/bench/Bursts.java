package dev.gantry.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bursts of a run ({@link Burst}): requests opened all at once through c)'s gateway, judged
 * against "served late rather than refused": every request answered 2xx, however late.
 */
final class Bursts {

  private Bursts() {}

  /** The bursts bench/run makes, in the order it makes them: its file, and what it is. */
  static final List<Map.Entry<String, String>> KINDS = List.of(
      Map.entry("burst-warm-sse.json", "SSE streams (20 s each) opened at once against a warm gateway: clients reconnecting after an outage"),
      Map.entry("burst-cold.json", "requests opened at once the moment a restarted sidecar reports SERVING"));

  static String section(Path results) throws IOException {
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, String> kind : KINDS) {
      Path file = results.resolve(kind.getKey());
      if (Files.exists(file)) {
        rows.add(row(kind.getValue(), JsonParser.parseString(Files.readString(file)).getAsJsonObject()));
      }
    }
    if (rows.isEmpty()) {
      return "";
    }
    return "\n## Bursts through one gateway (c), each request on a new connection, all at once\n\n"
        + "| burst | target | measured | verdict |\n|---|---|---|---|\n" + String.join("", rows);
  }

  static String row(String what, JsonObject b) {
    long at = b.get("connections").getAsLong();
    long served = b.get("2xx").getAsLong();
    JsonObject ttfb = b.has("ttfb_ms") ? b.getAsJsonObject("ttfb_ms") : null;
    List<String> refused = new ArrayList<>();
    b.getAsJsonObject("answers_by_status_and_flags").entrySet().forEach(e -> {
      if (!e.getKey().startsWith("2")) {
        refused.add(e.getValue().getAsLong() + " × " + e.getKey());
      }
    });
    long lost = at - served;
    String measured = String.format(Locale.ROOT, "%,d of %,d served%s; time to first byte %s", served, at,
        refused.isEmpty() ? "" : " (refused: " + String.join(", ", refused) + ")",
        ttfb == null ? "–" : String.format(Locale.ROOT, "min %.0f, mean %.0f, max %.0f ms",
            ttfb.get("min").getAsDouble(), ttfb.get("mean").getAsDouble(), ttfb.get("max").getAsDouble()));
    Verdict verdict = lost == 0 ? new Verdict("meets") : new Verdict("falls short: " + lost + " not served");
    return Report.line(String.format(Locale.ROOT, "%,d %s", at, what), "every one served, late rather than refused",
        measured, verdict);
  }
}
