package dev.gantry.authz.grpc;

import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.routing.GatewayHeaders;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision log: one JSON line per refusal, and per sampled admission, for an operator's log
 * pipeline. A line names the time, region, outcome, HTTP status and stable reason, the host and
 * method, the path without its query (a query may carry a credential), Envoy's request id, the
 * W3C trace id (the Check's, from Envoy's tracing; else the request's own {@code traceparent}), and for an admission the workload,
 * credential kind and credential id. Never a token, key, signature or header value beyond these.
 *
 * <p>The Check path never waits for it: a line goes into a bounded queue that one thread writes
 * out; when a flood of refusals fills the queue, lines are dropped and counted ({@code
 * gantry.authz.decision_log.dropped}) rather than slowing decisions or filling the disk faster.
 */
public final class DecisionLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

  /** Lines waiting to be written, at most. */
  public static final int QUEUE = 10_000;

  /** A log that records nothing. */
  public static final DecisionLog NONE = new DecisionLog(null, 0, "", Clock.systemUTC(), null, 1);

  private final Writer out;
  private final double allowSample;
  private final String region;
  private final Clock clock;
  private final LongCounter dropped;
  private final BlockingQueue<String> lines;
  private volatile Thread writer;

  DecisionLog(Writer out, double allowSample, String region, Clock clock, Meter meter, int capacity) {
    this.out = out;
    this.allowSample = allowSample;
    this.region = region;
    this.clock = clock;
    this.dropped = meter == null ? null : meter.counterBuilder("gantry.authz.decision_log.dropped")
        .setDescription("Decision log lines dropped because the writer fell behind").setUnit("{line}").build();
    this.lines = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Appends to {@code file} (created if missing, owner-only), admissions sampled at {@code
   * allowSample} (0 to 1), and starts its writer.
   */
  public static DecisionLog toFile(Path file, double allowSample, String region, Meter meter) throws IOException {
    if (!(allowSample >= 0 && allowSample <= 1)) {
      throw new IllegalArgumentException("allow sample " + allowSample + " (expected: 0 to 1)");
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    if (!Files.exists(file)) {
      Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    DecisionLog decisions = new DecisionLog(out, allowSample, region, Clock.systemUTC(), meter, QUEUE);
    decisions.start();
    return decisions;
  }

  /** Starts the thread that writes queued lines out. */
  void start() {
    Thread thread = new Thread(this::drain, "decision-log");
    thread.setDaemon(true);
    writer = thread;
    thread.start();
  }

  /** Records {@code decision} for {@code request} if it is logged: never blocks. */
  void record(Decision decision, RequestFacts request) {
    record(decision, request, null);
  }

  /**
   * As above, in the trace {@code traceId} (the Check's, from Envoy; when null, the one the
   * request's own {@code traceparent} names, if any).
   */
  void record(Decision decision, RequestFacts request, String traceId) {
    if (out == null) {
      return;
    }
    boolean deny = decision instanceof Decision.Deny;
    if (!deny && (allowSample <= 0 || ThreadLocalRandom.current().nextDouble() >= allowSample)) {
      return;
    }
    if (!lines.offer(line(decision, request, traceId)) && dropped != null) {
      dropped.add(1);
    }
  }

  /** The JSON line for one decision (strings escaped as in a deny's body: hosts and paths are client input). */
  String line(Decision decision, RequestFacts request) {
    return line(decision, request, null);
  }

  /** As above, in the trace {@code traceId} (or the request's own, when null). */
  String line(Decision decision, RequestFacts request, String traceId) {
    StringBuilder line = new StringBuilder(256).append('{');
    put(line, "time", clock.instant().toString());
    put(line, "region", region);
    if (decision instanceof Decision.Deny deny) {
      put(line, "outcome", "deny");
      line.append(",\"status\":").append(deny.httpStatus());
      put(line, "reason", deny.reason());
    } else if (decision instanceof Decision.Answer answer) {
      put(line, "outcome", "answer");
      line.append(",\"status\":").append(answer.httpStatus());
      put(line, "reason", answer.reason());
    } else {
      Decision.Allow allow = (Decision.Allow) decision;
      put(line, "outcome", allow.forwarded() ? "forward" : "allow");
      put(line, "workload", allow.headersToSet().get(GatewayHeaders.WORKLOAD));
      put(line, "credential_kind", allow.headersToSet().get(GatewayHeaders.CREDENTIAL_KIND));
      put(line, "credential_id", allow.headersToSet().get(GatewayHeaders.CREDENTIAL_ID));
    }
    put(line, "host", request.authority());
    put(line, "method", request.method());
    String path = request.path() == null ? "" : request.path();
    int query = path.indexOf('?');
    put(line, "path", query < 0 ? path : path.substring(0, query));
    put(line, "request_id", request.headers().get("x-request-id"));
    put(line, "trace_id", traceId != null ? traceId : traceId(request.headers().get("traceparent")));
    return line.append('}').toString();
  }

  /** Appends {@code "name":"value"} when there is a value (after the first member, with a comma). */
  private static void put(StringBuilder line, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (line.length() > 1) {
      line.append(',');
    }
    dev.gantry.authz.engine.JsonStrings.quote(line, name);
    line.append(':');
    dev.gantry.authz.engine.JsonStrings.quote(line, value);
  }

  /**
   * The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null:
   * read as the Check's own parent is ({@link CheckTraceContext#parent}).
   */
  static String traceId(String traceparent) {
    return traceparent == null ? null : CheckSpans.traceId(CheckTraceContext.parent(traceparent));
  }

  private void drain() {
    List<String> batch = new ArrayList<>();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        String first = lines.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        lines.drainTo(batch, 1000);
        write(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lines.drainTo(batch);
    write(batch);
  }

  private void write(List<String> batch) {
    try {
      for (String line : batch) {
        out.write(line);
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      log.warn("decision log: could not write {} lines: {}", batch.size(), e.toString());
    }
  }

  /** Writes out what is queued and stops. */
  @Override
  public void close() throws InterruptedException {
    Thread thread = writer;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        log.warn("decision log: closing: {}", e.toString());
      }
    }
  }
}
