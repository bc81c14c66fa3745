package dev.gantry.demo;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible fake model, so metering can be tried locally: {@code POST
 * /v1/chat/completions} and {@code POST /v1/responses}, as JSON or, with {@code "stream": true},
 * as server-sent events ending with the usage (chat completions: a last chunk with {@code usage}
 * and no choices, then {@code [DONE]}; responses: {@code response.completed}).
 *
 * <p>It answers by echoing the last user text ({@code "echo: ..."}), one word per stream chunk.
 * Tokens are words: input tokens are the words of every message (or of {@code input}), output
 * tokens the words of the answer — so a caller can tell exactly what the usage must be. Demo
 * knobs in the request body: {@code demo_interval_ms} (between stream chunks, default 0), {@code
 * demo_cached_tokens} (reported as cached input), {@code demo_malformed_usage} (a usage object
 * whose counts are strings: no meter can read it).
 */
final class FakeCompletions {

  private static final Gson JSON = new Gson();
  private static final long MAX_INTERVAL_MS = 60_000;

  private FakeCompletions() {}

  /** Answers one request to {@code path}. */
  static void answer(ChannelHandlerContext ctx, FullHttpRequest request, String path, String replica) {
    JsonObject body;
    try {
      JsonElement parsed = JsonParser.parseString(request.content().toString(StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new IllegalArgumentException("the body is not a JSON object");
      }
      body = parsed.getAsJsonObject();
    } catch (RuntimeException e) {
      full(ctx, HttpResponseStatus.BAD_REQUEST, Map.of("error", Map.of("message", "expected a JSON object body",
          "type", "invalid_request_error")));
      return;
    }
    boolean chat = path.equals("/v1/chat/completions");
    String said = chat ? lastUserText(body) : inputText(body);
    long input = words(chat ? allMessages(body) : said);
    List<String> answer = new ArrayList<>(List.of("echo:"));
    answer.addAll(List.of(said.isBlank() ? new String[0] : said.strip().split("\\s+")));
    long cached = Math.min(input, Math.max(0, number(body, "demo_cached_tokens", 0)));
    Map<String, Object> usage = usage(chat, input, answer.size(), cached, bool(body, "demo_malformed_usage"));
    String model = body.has("model") && body.get("model").isJsonPrimitive() ? body.get("model").getAsString() : "gantry-demo";
    long interval = Math.min(MAX_INTERVAL_MS, Math.max(0, number(body, "demo_interval_ms", 0)));
    if (!bool(body, "stream")) {
      String text = String.join(" ", answer);
      Map<String, Object> response = new LinkedHashMap<>();
      if (chat) {
        response.put("id", "chatcmpl-demo");
        response.put("object", "chat.completion");
        response.put("model", model);
        response.put("choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", text),
            "finish_reason", "stop")));
      } else {
        response.put("id", "resp_demo");
        response.put("object", "response");
        response.put("model", model);
        response.put("status", "completed");
        response.put("output", List.of(Map.of("type", "message", "role", "assistant",
            "content", List.of(Map.of("type", "output_text", "text", text)))));
      }
      response.put("usage", usage);
      response.put("replica", replica);
      full(ctx, HttpResponseStatus.OK, response);
      return;
    }
    List<Event> events = new ArrayList<>();
    if (chat) {
      for (String word : answer) {
        events.add(new Event(null, Map.of("id", "chatcmpl-demo", "object", "chat.completion.chunk", "model", model,
            "choices", List.of(Map.of("index", 0, "delta", Map.of("content", word + " "))))));
      }
      events.add(new Event(null, Map.of("id", "chatcmpl-demo", "object", "chat.completion.chunk", "model", model,
          "choices", List.of(), "usage", usage)));
      events.add(Event.DONE);
    } else {
      events.add(new Event("response.created", Map.of("type", "response.created",
          "response", Map.of("id", "resp_demo", "status", "in_progress"))));
      for (String word : answer) {
        events.add(new Event("response.output_text.delta", Map.of("type", "response.output_text.delta", "delta", word + " ")));
      }
      events.add(new Event("response.completed", Map.of("type", "response.completed",
          "response", Map.of("id", "resp_demo", "status", "completed", "model", model, "usage", usage))));
    }
    EventStream.writeHead(ctx);
    send(ctx, events, 0, interval);
  }

  /**
   * One server-sent event: its name (none for chat completions) and data, written with the time
   * it was sent ({@code demo_sent_at_ms}, epoch milliseconds: how late it arrived can be told).
   */
  private record Event(String name, Map<String, Object> data) {
    static final Event DONE = new Event(null, null);

    String text() {
      if (data == null) {
        return "data: [DONE]\n\n";
      }
      Map<String, Object> stamped = new LinkedHashMap<>(data);
      stamped.put("demo_sent_at_ms", System.currentTimeMillis());
      return (name == null ? "" : "event: " + name + "\n") + "data: " + JSON.toJson(stamped) + "\n\n";
    }
  }

  private static void send(ChannelHandlerContext ctx, List<Event> events, int next, long intervalMs) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (next == events.size()) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      return;
    }
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(events.get(next).text(), StandardCharsets.UTF_8)));
    ctx.executor().schedule(() -> send(ctx, events, next + 1, intervalMs), intervalMs, TimeUnit.MILLISECONDS);
  }

  private static Map<String, Object> usage(boolean chat, long input, long output, long cached, boolean malformed) {
    Map<String, Object> usage = new LinkedHashMap<>();
    Object in = malformed ? String.valueOf(input) : input;
    Object out = malformed ? String.valueOf(output) : output;
    if (chat) {
      usage.put("prompt_tokens", in);
      usage.put("completion_tokens", out);
      usage.put("total_tokens", input + output);
      usage.put("prompt_tokens_details", Map.of("cached_tokens", cached));
    } else {
      usage.put("input_tokens", in);
      usage.put("input_tokens_details", Map.of("cached_tokens", cached));
      usage.put("output_tokens", out);
      usage.put("total_tokens", input + output);
    }
    return usage;
  }

  private static void full(ChannelHandlerContext ctx, HttpResponseStatus status, Object body) {
    byte[] bytes = (JSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    ctx.writeAndFlush(response);
  }

  private static String lastUserText(JsonObject body) {
    String last = "";
    for (JsonObject message : messages(body)) {
      if (message.has("role") && "user".equals(text(message.get("role")))) {
        last = text(message.get("content"));
      }
    }
    return last;
  }

  private static String allMessages(JsonObject body) {
    StringBuilder all = new StringBuilder();
    for (JsonObject message : messages(body)) {
      all.append(' ').append(text(message.get("content")));
    }
    return all.toString();
  }

  private static List<JsonObject> messages(JsonObject body) {
    List<JsonObject> messages = new ArrayList<>();
    if (body.get("messages") instanceof JsonArray array) {
      for (JsonElement element : array) {
        if (element.isJsonObject()) {
          messages.add(element.getAsJsonObject());
        }
      }
    }
    return messages;
  }

  private static String inputText(JsonObject body) {
    JsonElement input = body.get("input");
    if (input instanceof JsonArray array) {
      StringBuilder all = new StringBuilder();
      for (JsonElement item : array) {
        if (item.isJsonObject()) {
          all.append(' ').append(text(item.getAsJsonObject().get("content")));
        }
      }
      return all.toString();
    }
    return text(input);
  }

  private static String text(JsonElement element) {
    return element != null && element.isJsonPrimitive() ? element.getAsString() : "";
  }

  private static long words(String text) {
    return text.isBlank() ? 0 : text.strip().split("\\s+").length;
  }

  private static long number(JsonObject body, String name, long otherwise) {
    JsonElement value = body.get(name);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber() ? value.getAsLong() : otherwise;
  }

  private static boolean bool(JsonObject body, String name) {
    JsonElement value = body.get(name);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean();
  }
}
