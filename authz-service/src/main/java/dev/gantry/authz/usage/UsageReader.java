package dev.gantry.authz.usage;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.gantry.routing.UsagePath;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads the token usage a response reports, as its body streams past, one chunk at a time:
 * never holding the response (the bytes are Envoy's; this sees copies), and bounded in memory.
 * Pure: no I/O, no clock.
 *
 * <ul>
 *   <li>{@code application/json} (or {@code +json}): the body, up to {@link #MAX_JSON_BYTES}, is
 *       parsed when it ends;
 *   <li>{@code text/event-stream}: each event's {@code data} is looked at as it completes; the
 *       last event with a usage object is kept and parsed when the stream ends (OpenAI sends it
 *       last: chat completions' final chunk with {@code stream_options.include_usage}, the
 *       responses API's {@code response.completed});
 *   <li>anything else, or a compressed body: bytes are counted, nothing is read.
 * </ul>
 *
 * The usage object is OpenAI's {@code usage} at the top (chat completions, responses) or in
 * {@code response} (the responses API's stream events), or the one at the workload's {@link
 * UsagePath}. Read from it: input tokens ({@code prompt_tokens} or {@code input_tokens}), output
 * tokens ({@code completion_tokens} or {@code output_tokens}) and cached input tokens ({@code
 * prompt_tokens_details.cached_tokens} or {@code input_tokens_details.cached_tokens}). A body
 * that is not what it says, a usage object without a non-negative integer count, or anything
 * too large is no usage ({@link #finish} null): never an error.
 */
public final class UsageReader {

  /** A JSON body longer than this is not read (a completion's JSON is a few KiB). */
  static final int MAX_JSON_BYTES = 4 << 20;

  /** An SSE line or event longer than this is not read. */
  static final int MAX_EVENT_BYTES = 1 << 20;

  private enum Kind { JSON, SSE, NONE }

  private final Kind kind;
  private final UsagePath path;
  /** A buffer that held more than this is replaced when emptied (emptying keeps its capacity). */
  private static final int KEEP_CAPACITY = 1 << 10;

  private ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean overflowed;
  private long bytes;
  /** SSE: the current event's data lines, joined by newlines. */
  private StringBuilder eventData = new StringBuilder();
  private boolean eventOverflowed;
  /** SSE: the data of the last complete event that carried a usage object. */
  private String lastUsageEvent;

  private final BufferBudget budget;
  /** Bytes of the budget this reader holds: what its buffers hold, as of the last chunk. */
  private long held;
  /** Whether the body was too large (or the budget spent) to be read to its end. */
  private boolean unread;
  /** The budget was spent: nothing more of this body is read. */
  private boolean abandoned;

  /** The key an event's usage object is under, quoted: {@code "usage"} or the path's last. */
  private final String usageKey;

  private UsageReader(Kind kind, UsagePath path, BufferBudget budget) {
    this.kind = kind;
    this.path = path;
    this.usageKey = "\"" + (path == null ? "usage" : path.keys().getLast()) + "\"";
    this.budget = budget;
  }

  /**
   * A reader for a response with these headers.
   *
   * @param contentType its {@code content-type}, or null
   * @param contentEncoding its {@code content-encoding}, or null
   * @param path where the workload puts its usage object; null for OpenAI's places
   */
  public static UsageReader of(String contentType, String contentEncoding, UsagePath path) {
    return of(contentType, contentEncoding, path, new BufferBudget(Long.MAX_VALUE));
  }

  /** As above, holding its buffers out of {@code budget}. */
  public static UsageReader of(String contentType, String contentEncoding, UsagePath path, BufferBudget budget) {
    return new UsageReader(kind(contentType, contentEncoding), path, budget);
  }

  private static Kind kind(String contentType, String contentEncoding) {
    if (contentType == null || (contentEncoding != null && !contentEncoding.isBlank()
        && !contentEncoding.strip().equalsIgnoreCase("identity"))) {
      return Kind.NONE;
    }
    String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.equals("text/event-stream")) {
      return Kind.SSE;
    }
    if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
      return Kind.JSON;
    }
    return Kind.NONE;
  }

  /** The body bytes seen so far. */
  public long bytes() {
    return bytes;
  }

  /** The next chunk of the body. */
  public void accept(byte[] chunk) {
    bytes += chunk.length;
    if (abandoned) {
      return;
    }
    switch (kind) {
      case JSON -> {
        if (!overflowed && pending.size() + chunk.length <= MAX_JSON_BYTES) {
          pending.writeBytes(chunk);
        } else {
          overflowed = true;
          unread = true;
          emptyPending();
        }
      }
      case SSE -> acceptSse(chunk);
      case NONE -> { }
    }
    if (!hold()) {
      // The budget is spent: the rest of this body is not read (its usage not counted), its buffers let go.
      abandoned = true;
      overflowed = true;
      unread = true;
      emptyPending();
      emptyEvent();
      eventOverflowed = true;
      lastUsageEvent = null;
      hold();
    }
  }

  /** Takes from (or gives back to) the budget what the buffers hold now; false when it has not enough. */
  private boolean hold() {
    long now = pending.size() + eventData.length() + (lastUsageEvent == null ? 0 : lastUsageEvent.length());
    if (now > held) {
      if (!budget.take(now - held)) {
        return false;
      }
    } else if (now < held) {
      budget.give(held - now);
    }
    held = now;
    return true;
  }

  /**
   * Whether the body could not be read to its end: too large, or the buffers' budget spent (its
   * usage, if any, is not counted).
   */
  public boolean unread() {
    return unread;
  }

  private void acceptSse(byte[] chunk) {
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] == '\n') {
        appendToLine(chunk, start, i - start);
        line(pending);
        emptyPending();
        overflowed = false;
        start = i + 1;
      }
    }
    appendToLine(chunk, start, chunk.length - start);
  }

  private void appendToLine(byte[] chunk, int offset, int length) {
    if (overflowed || pending.size() + length > MAX_EVENT_BYTES) {
      overflowed = true;
      emptyPending();
      return;
    }
    pending.write(chunk, offset, length);
  }

  /** One SSE line, without its {@code \n} (a {@code \r} before it is dropped here). */
  private void line(ByteArrayOutputStream bytes) {
    if (overflowed) {
      eventOverflowed = true;
      return;
    }
    String line = bytes.toString(StandardCharsets.UTF_8);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      endEvent();
    } else if (line.startsWith("data:")) {
      String data = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
      if (eventData.length() + data.length() + 1 > MAX_EVENT_BYTES) {
        eventOverflowed = true;
      } else if (!eventOverflowed) {
        if (!eventData.isEmpty()) {
          eventData.append('\n');
        }
        eventData.append(data);
      }
    }
  }

  private void endEvent() {
    if (eventOverflowed) {
      unread = true;
    } else if (hasUsageObject(eventData)) {
      lastUsageEvent = eventData.toString();
    }
    emptyEvent();
    eventOverflowed = false;
  }

  /**
   * Whether the text names a key followed by an object: {@code "usage": {} } (or the workload's
   * last path key). A quick look, so only events that may carry usage are kept; the parse decides.
   */
  private boolean hasUsageObject(CharSequence data) {
    String key = usageKey;
    String text = data.toString();
    for (int at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
      int i = at + key.length();
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i < text.length() && text.charAt(i) == ':') {
        i++;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
          i++;
        }
        if (i < text.length() && text.charAt(i) == '{') {
          return true;
        }
      }
    }
    return false;
  }

  /** Empties the line (or JSON) buffer; one that grew large is let go, not kept at its size. */
  private void emptyPending() {
    if (pending.size() > KEEP_CAPACITY) {
      pending = new ByteArrayOutputStream();
    } else {
      pending.reset();
    }
  }

  /** Empties the event's data; one that grew large is let go, not kept at its size. */
  private void emptyEvent() {
    if (eventData.length() > KEEP_CAPACITY) {
      eventData = new StringBuilder();
    } else {
      eventData.setLength(0);
    }
  }

  /** The usage the response reported, or null for none (or none that could be read). */
  public Usage finish() {
    Usage usage = read();
    emptyPending();
    emptyEvent();
    lastUsageEvent = null;
    hold();
    return usage;
  }

  private Usage read() {
    if (abandoned) {
      return null;
    }
    return switch (kind) {
      case JSON -> overflowed ? null : parse(pending.toString(StandardCharsets.UTF_8));
      case SSE -> {
        if (pending.size() > 0) {
          line(pending);
          emptyPending();
        }
        endEvent();
        yield lastUsageEvent == null ? null : parse(lastUsageEvent);
      }
      case NONE -> null;
    };
  }

  private Usage parse(String json) {
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (RuntimeException e) {
      return null;
    }
    if (!root.isJsonObject()) {
      return null;
    }
    JsonObject usage = path == null ? openAiUsage(root.getAsJsonObject()) : at(root.getAsJsonObject(), path.keys());
    return usage == null ? null : read(usage);
  }

  private static JsonObject openAiUsage(JsonObject root) {
    JsonObject usage = at(root, List.of("usage"));
    return usage != null ? usage : at(root, List.of("response", "usage"));
  }

  private static JsonObject at(JsonObject root, List<String> keys) {
    JsonElement at = root;
    for (String key : keys) {
      if (!at.isJsonObject()) {
        return null;
      }
      at = at.getAsJsonObject().get(key);
      if (at == null) {
        return null;
      }
    }
    return at.isJsonObject() ? at.getAsJsonObject() : null;
  }

  private static Usage read(JsonObject usage) {
    long input = count(usage, "prompt_tokens", "input_tokens");
    long output = count(usage, "completion_tokens", "output_tokens");
    if (input == BAD || output == BAD || (input == ABSENT && output == ABSENT)) {
      return null;
    }
    long cached = ABSENT;
    for (String details : List.of("prompt_tokens_details", "input_tokens_details")) {
      JsonElement object = usage.get(details);
      if (object != null && object.isJsonObject()) {
        cached = count(object.getAsJsonObject(), "cached_tokens", "cached_tokens");
        if (cached != ABSENT) {
          break;
        }
      }
    }
    if (cached == BAD) {
      return null;
    }
    long in = Math.max(0, input);
    return new Usage(in, Math.max(0, output), Math.min(in, Math.max(0, cached)));
  }

  /**
   * More tokens than one response can report (a trillion): such a count is not believed, so no
   * workload's answer can overflow what usage adds up to.
   */
  static final long MAX_TOKENS = 1L << 40;

  private static final long ABSENT = -1;
  private static final long BAD = -2;

  /** The first of the two fields present: a non-negative integer, or ABSENT, or BAD (present but not one). */
  private static long count(JsonObject object, String name, String otherName) {
    JsonElement value = object.get(name);
    if (value == null || value.isJsonNull()) {
      value = object.get(otherName);
    }
    if (value == null || value.isJsonNull()) {
      return ABSENT;
    }
    if (!(value instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
      return BAD;
    }
    try {
      BigDecimal number = new BigDecimal(primitive.getAsString());
      long count = number.longValueExact();
      return count < 0 || count > MAX_TOKENS ? BAD : count;
    } catch (ArithmeticException | NumberFormatException e) {
      return BAD;
    }
  }
}
