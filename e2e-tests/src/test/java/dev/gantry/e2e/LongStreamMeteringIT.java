package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.authz.usage.UsageLedger;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A ten-minute SSE stream through the metered path (Envoy's ext_proc observing it) beside the
 * same stream straight from the workload: each event arrives as it is sent — before the next two
 * are sent — on both paths, the metered one no later than the direct one by more than one
 * event's interval; and its usage is counted exactly once the stream ends. Runs beside the other
 * test classes (it mostly waits).
 */
@Execution(ExecutionMode.CONCURRENT)
class LongStreamMeteringIT {

  private static final String METERED = "agt-llm-demo";
  private static final int WORDS = 599;                 // with "echo:", 600 chunks
  private static final long INTERVAL_MS = 1000;        // 600 chunks a second apart: ten minutes

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = STACKS.stack();
    MeteringIT.servePublicMetered(stack, METERED);
    stack.awaitSidecarCurrent();
    MeteringIT.awaitAnswer(stack, METERED + ".eu-lon-1");
    MeteringIT.awaitAnswerCounted(stack);
  }

  /** An event as the client saw it: when the server sent it, when it arrived, its data. */
  private record Arrival(long sentAtMs, long receivedAtMs, String data) {}

  private static List<Arrival> stream(int port, String host, String body) throws Exception {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n";
    List<Arrival> arrivals = new ArrayList<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.write(content);
      out.flush();
      ChunkedEvents in = new ChunkedEvents(socket.getInputStream());
      for (String line = in.nextLine(); line != null; line = in.nextLine()) {
        if (line.startsWith("data: {")) {
          JsonObject data = JsonParser.parseString(line.substring(6)).getAsJsonObject();
          arrivals.add(new Arrival(data.get("demo_sent_at_ms").getAsLong(), System.currentTimeMillis(), line.substring(6)));
        }
      }
    }
    return arrivals;
  }

  /** The most any event arrived after the one sent two later was sent (negative: never). */
  private static long lateness(List<Arrival> arrivals) {
    long worst = Long.MIN_VALUE;
    for (int i = 0; i + 2 < arrivals.size(); i++) {
      worst = Math.max(worst, arrivals.get(i).receivedAtMs() - arrivals.get(i + 2).sentAtMs());
    }
    return worst;
  }

  private static long maxDelay(List<Arrival> arrivals) {
    return arrivals.stream().mapToLong(a -> a.receivedAtMs() - a.sentAtMs()).max().orElseThrow();
  }

  @Test
  void tenMinutesOfEvents_arriveAsTheyAreSent_andAreMeteredAtTheEnd() throws Exception {
    String words = IntStream.rangeClosed(1, WORDS).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    String body = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"demo_interval_ms\":" + INTERVAL_MS
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + words + "\"}]}";
    UsageLedger.Counts before = stack.authz.usage().totals().values().stream()
        .reduce(UsageLedger.Counts.ZERO, (a, b) -> new UsageLedger.Counts(a.requests() + b.requests(),
            a.inputTokens() + b.inputTokens(), a.outputTokens() + b.outputTokens(), 0, 0, 0, 0));

    // On a thread of its own: the common pool (one thread on two cores) is the other classes'.
    java.util.concurrent.ExecutorService own = java.util.concurrent.Executors.newSingleThreadExecutor();
    CompletableFuture<List<Arrival>> direct = CompletableFuture.supplyAsync(() -> {
      try {
        return stream(stack.echo.port(), METERED + ".eu-lon-1.run.localhost", body);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, own);
    own.shutdown();
    List<Arrival> metered = stream(stack.gatewayPort, stack.host(METERED + ".eu-lon-1"), body);
    List<Arrival> reference = direct.get(2, TimeUnit.MINUTES);

    assertThat(metered).hasSize(WORDS + 2).hasSameSizeAs(reference); // the words, "echo:", the usage chunk
    System.out.printf("10-minute SSE: %d events; worst delay metered %d ms, direct %d ms%n",
        metered.size(), maxDelay(metered), maxDelay(reference));
    assertThat(lateness(reference)).as("direct: every event arrived before the server sent the one two after it").isNegative();
    assertThat(lateness(metered)).as("metered: every event arrived before the server sent the one two after it").isNegative();
    assertThat(maxDelay(metered)).as("metered no later than direct, by more than one interval")
        .isLessThanOrEqualTo(maxDelay(reference) + INTERVAL_MS);

    JsonObject usage = JsonParser.parseString(metered.getLast().data()).getAsJsonObject().getAsJsonObject("usage");
    for (int i = 0; i < 200; i++) {
      long requests = stack.authz.usage().totals().values().stream().mapToLong(UsageLedger.Counts::requests).sum();
      if (requests > before.requests()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(25);
    }
    long input = MeteringIT.inputTokens(stack);
    long output = stack.authz.usage().totals().values().stream().mapToLong(UsageLedger.Counts::outputTokens).sum();
    assertThat(input - before.inputTokens()).isEqualTo(usage.get("prompt_tokens").getAsLong());
    assertThat(output - before.outputTokens()).isEqualTo(usage.get("completion_tokens").getAsLong());
  }
}
