package dev.gantry.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * h2load's summary lines, read: "requests: N total, N started, N done, N succeeded, N failed,
 * N errored, N timeout" and "status codes: N 2xx, N 3xx, N 4xx, N 5xx".
 */
record H2loadSummary(
    long total, long started, long succeeded, long failed, long errored, long ok2xx, long s3xx, long s4xx, long s5xx) {

  private static final Pattern REQUESTS = Pattern.compile(
      "requests: (\\d+) total, (\\d+) started, \\d+ done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");
  private static final Pattern CODES = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

  /** The summary in {@code output}, or null when h2load printed none (it failed). */
  static H2loadSummary parse(String output) {
    Matcher r = REQUESTS.matcher(output);
    Matcher c = CODES.matcher(output);
    if (!r.find() || !c.find()) {
      return null;
    }
    return new H2loadSummary(n(r, 1), n(r, 2), n(r, 3), n(r, 4), n(r, 5), n(c, 1), n(c, 2), n(c, 3), n(c, 4));
  }

  private static long n(Matcher m, int group) {
    return Long.parseLong(m.group(group));
  }
}
