package dev.gantry.authz.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.routing.UsagePath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UsageReaderTest {

  private static final String CHAT_JSON = """
      {"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],
       "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":3}}}""";

  private static final String RESPONSES_JSON = """
      {"id":"resp_1","object":"response","status":"completed","output":[],
       "usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"total_tokens":123}}""";

  private static final String CHAT_SSE = """
      data: {"id":"c","object":"chat.completion.chunk","choices":[{"delta":{"content":"Hel"}}],"usage":null}

      data: {"id":"c","object":"chat.completion.chunk","choices":[{"delta":{"content":"lo"}}],"usage":null}

      data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}

      data: [DONE]

      """;

  private static final String RESPONSES_SSE = """
      event: response.created
      data: {"type":"response.created","response":{"id":"resp_1","status":"in_progress","usage":null}}

      event: response.output_text.delta
      data: {"type":"response.output_text.delta","delta":"Hi"}

      event: response.completed
      data: {"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":11,"input_tokens_details":{"cached_tokens":4},"output_tokens":5,"total_tokens":16}}}

      """;

  private static Usage read(String contentType, String body, UsagePath path, int chunkSize) {
    UsageReader reader = UsageReader.of(contentType, null, path);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunkSize) {
      reader.accept(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunkSize)));
    }
    assertThat(reader.bytes()).isEqualTo(bytes.length);
    return reader.finish();
  }

  private static Usage read(String contentType, String body) {
    return read(contentType, body, null, 1 << 20);
  }

  @Test
  void chatCompletionsAndResponses_json() {
    assertThat(read("application/json", CHAT_JSON)).isEqualTo(new Usage(19, 10, 3));
    assertThat(read("application/json; charset=utf-8", RESPONSES_JSON)).isEqualTo(new Usage(36, 87, 0));
  }

  @Test
  void chatCompletionsAndResponses_sse_whateverTheChunking() {
    for (int chunk : new int[] {1, 2, 3, 7, 64, 1 << 20}) {
      assertThat(read("text/event-stream", CHAT_SSE, null, chunk)).as("chunks of " + chunk).isEqualTo(new Usage(7, 2, 0));
      assertThat(read("text/event-stream; charset=utf-8", RESPONSES_SSE, null, chunk)).as("chunks of " + chunk)
          .isEqualTo(new Usage(11, 5, 4));
      assertThat(read("text/event-stream", CHAT_SSE.replace("\n", "\r\n"), null, chunk)).as("CRLF, chunks of " + chunk)
          .isEqualTo(new Usage(7, 2, 0));
    }
  }

  @Test
  void aStreamCutBeforeItsLastBlankLine_stillCountsItsLastEvent() {
    String cut = CHAT_SSE.substring(0, CHAT_SSE.indexOf("data: [DONE]")).stripTrailing();
    assertThat(read("text/event-stream", cut)).isEqualTo(new Usage(7, 2, 0));
  }

  @Test
  void theWorkloadsOwnPath() {
    UsagePath path = UsagePath.parse("meta.billing");
    assertThat(read("application/json", "{\"meta\":{\"billing\":{\"input_tokens\":5,\"output_tokens\":6}}}", path, 3))
        .isEqualTo(new Usage(5, 6, 0));
    assertThat(read("text/event-stream", "data: {\"meta\":{\"billing\":{\"prompt_tokens\":1,\"completion_tokens\":2}}}\n\n", path, 5))
        .isEqualTo(new Usage(1, 2, 0));
    assertThat(read("application/json", CHAT_JSON, path, 100)).as("not where the workload said").isNull();
  }

  @Test
  void nothingToRead_isNoUsage_neverAnError() {
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":2}}")).isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":2}}")).isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":2}}")).isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":1e30,\"completion_tokens\":2}}")).isNull();
    assertThat(read("application/json", "{\"usage\":{}}")).isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":" + (UsageReader.MAX_TOKENS + 1) + ",\"completion_tokens\":2}}"))
        .as("more than any response could use").isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":" + UsageReader.MAX_TOKENS + ",\"completion_tokens\":2}}"))
        .isEqualTo(new Usage(UsageReader.MAX_TOKENS, 2, 0));
    assertThat(read("application/json", "{\"usage\":[1,2]}")).isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":3")).as("cut short").isNull();
    assertThat(read("application/json", "not json at all")).isNull();
    assertThat(read("application/json", "[]")).isNull();
    assertThat(read("text/event-stream", "data: {\"usage\":{\"prompt_tokens\":\n\n")).isNull();
    assertThat(read("text/plain", CHAT_JSON)).isNull();
    assertThat(read(null, CHAT_JSON)).isNull();
    UsageReader gzip = UsageReader.of("application/json", "gzip", null);
    gzip.accept(CHAT_JSON.getBytes(StandardCharsets.UTF_8));
    assertThat(gzip.finish()).as("compressed: not read").isNull();
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":1.0,\"completion_tokens\":2}}"))
        .as("an integral number written with a fraction").isEqualTo(new Usage(1, 2, 0));
  }

  @Test
  void cachedTokens_neverExceedInput() {
    assertThat(read("application/json", "{\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":9}}}"))
        .isEqualTo(new Usage(2, 1, 2));
  }

  @Test
  void tooLarge_isNotRead_butCounted() {
    String padding = "x".repeat(UsageReader.MAX_JSON_BYTES);
    String big = "{\"pad\":\"" + padding + "\"," + CHAT_JSON.substring(1);
    UsageReader reader = UsageReader.of("application/json", null, null);
    reader.accept(big.getBytes(StandardCharsets.UTF_8));
    assertThat(reader.finish()).isNull();
    assertThat(reader.bytes()).isEqualTo(big.length());

    String longEvent = "data: {\"pad\":\"" + "y".repeat(UsageReader.MAX_EVENT_BYTES) + "\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n";
    assertThat(read("text/event-stream", longEvent + CHAT_SSE, null, 4096)).as("a long event skipped, the rest read")
        .isEqualTo(new Usage(7, 2, 0));
    assertThat(read("text/event-stream", CHAT_SSE + longEvent, null, 4096)).as("the last readable usage")
        .isEqualTo(new Usage(7, 2, 0));
  }

  @Test
  void theBuffersBudget_isSharedByAllReaders_andGivenBackAtTheEnd() {
    BufferBudget budget = new BufferBudget(1000);
    UsageReader first = UsageReader.of("application/json", null, null, budget);
    first.accept(CHAT_JSON.substring(0, 100).getBytes(StandardCharsets.UTF_8));
    assertThat(budget.held()).isEqualTo(100);
    UsageReader second = UsageReader.of("application/json", null, null, budget);
    second.accept("x".repeat(950).getBytes(StandardCharsets.UTF_8));
    assertThat(second.unread()).as("more than the budget has left: not read").isTrue();
    assertThat(budget.held()).as("what the refused one held is given back").isEqualTo(100);
    second.accept(CHAT_JSON.getBytes(StandardCharsets.UTF_8));
    assertThat(second.finish()).isNull();

    first.accept(CHAT_JSON.substring(100).getBytes(StandardCharsets.UTF_8));
    assertThat(first.finish()).isEqualTo(new Usage(19, 10, 3));
    assertThat(budget.held()).isZero();

    UsageReader stream = UsageReader.of("text/event-stream", null, null, budget);
    for (String line : CHAT_SSE.split("(?<=\n)")) {
      stream.accept(line.getBytes(StandardCharsets.UTF_8));
      assertThat(budget.held()).isLessThanOrEqualTo(1000);
    }
    assertThat(stream.finish()).isEqualTo(new Usage(7, 2, 0));
    assertThat(stream.unread()).isFalse();
    assertThat(budget.held()).isZero();
  }

  @Test
  void usagePaths_areValidated() {
    assertThat(UsagePath.parse("a.b-c.d_e").keys()).containsExactly("a", "b-c", "d_e");
    for (String bad : new String[] {"", ".", "a..b", "a.", "a b", "a.$", "a.b.c.d.e.f.g.h.i"}) {
      assertThatThrownBy(() -> UsagePath.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
