package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A burst: N requests opened at once through one gateway, each on a connection of its own
 * (HTTP/1.1, h2load), as clients reconnecting after an outage do. Reports how many were
 * admitted, how many refused and why (the gateway's access log: status and Envoy's response
 * flags), how late the admitted were (time to first byte), and Envoy's ext_authz counters.
 */
@Command(name = "burst", mixinStandardHelpOptions = true, description = "N requests at once, each on a new connection.")
final class Burst implements Callable<Integer> {

  @Option(names = "--name", required = true, description = "what this burst is (cold, warm-sse, ...)") String name;
  @Option(names = "--gateway-port", defaultValue = "10000") int gatewayPort;
  @Option(names = "--envoy-admin-port", defaultValue = "9901") int adminPort;
  @Option(names = "--access-log", required = true, description = "the gateway's access log (JSON lines)") Path accessLog;
  @Option(names = "--host", required = true) String host;
  @Option(names = "--authorization", description = "the Authorization header, if any") String authorization;
  @Option(names = "--connections", required = true) int connections;
  @Option(names = "--path", defaultValue = "/burst") String path;
  @Option(names = "--out", required = true) Path out;

  private static final Pattern TTFB = Pattern.compile("time to 1st byte:\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)");
  private static final Pattern STATUS = Pattern.compile("\"status\":\"?(\\d+)");
  private static final Pattern FLAGS = Pattern.compile("\"flags\":\"([^\"]*)\"");

  @Override
  public Integer call() throws Exception {
    Map<String, Long> before = authzStats();
    long logLines = lines(accessLog);
    List<String> command = new ArrayList<>(List.of("h2load", "--h1", "-c", String.valueOf(connections),
        "-n", String.valueOf(connections), "-m", "1", "-H", ":authority: " + host));
    if (authorization != null) {
      command.addAll(List.of("-H", "authorization: " + authorization));
    }
    command.add("http://127.0.0.1:" + gatewayPort + path);
    Process h2load = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(h2load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    h2load.waitFor();
    Thread.sleep(1500); // Envoy flushes its access log every 500 ms
    Map<String, Long> after = authzStats();

    H2loadSummary summary = H2loadSummary.parse(output);
    if (summary == null) {
      throw new IllegalStateException("h2load output not understood:\n" + output);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", name);
    result.put("path", path);
    result.put("connections", connections);
    result.put("not_started", summary.total() - summary.started());
    result.put("errored", summary.errored());
    result.put("2xx", summary.ok2xx());
    result.put("4xx", summary.s4xx());
    result.put("5xx", summary.s5xx());
    Matcher ttfb = TTFB.matcher(output);
    if (ttfb.find()) {
      result.put("ttfb_ms", Map.of("min", millis(ttfb.group(1)), "max", millis(ttfb.group(2)), "mean", millis(ttfb.group(3))));
    }
    result.put("answers_by_status_and_flags", answers(logLines));
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        delta.put(k, d);
      }
    });
    result.put("envoy_authz_counters", delta);
    result.put("h2load", output.lines().filter(l -> l.startsWith("requests:") || l.startsWith("status codes:")
        || l.startsWith("time to 1st byte:") || l.startsWith("finished in")).toList());
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result));
    System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(result));
    return 0;
  }

  /** The access log's lines after the first {@code skip}, counted by "status flags". */
  private Map<String, Long> answers(long skip) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    try (var lines = Files.lines(accessLog)) {
      lines.skip(skip).forEach(line -> {
        Matcher s = STATUS.matcher(line);
        Matcher f = FLAGS.matcher(line);
        if (s.find()) {
          counts.merge(s.group(1) + " " + (f.find() && !f.group(1).equals("-") ? f.group(1) : "-"), 1L, Long::sum);
        }
      });
    }
    return counts;
  }

  private static long lines(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.count();
    }
  }

  /** h2load prints a duration as 12.34ms, 1.23s or 456us. */
  static double millis(String value) {
    if (value.endsWith("ms")) {
      return Double.parseDouble(value.substring(0, value.length() - 2));
    }
    if (value.endsWith("us")) {
      return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000;
    }
    if (value.endsWith("s")) {
      return Double.parseDouble(value.substring(0, value.length() - 1)) * 1000;
    }
    throw new IllegalArgumentException("not an h2load duration: " + value);
  }

  /** Envoy's counters of the ext_authz filter and of the sidecar's cluster. */
  private Map<String, Long> authzStats() throws Exception {
    return new EnvoyAdmin(adminPort).stats("ext_authz\\.|^cluster\\.gantry-authz\\.(upstream_rq|upstream_cx|internal|grpc)");
  }
}
