package dev.gantry.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers plain HTTP requests: the JSON echo, {@code /slow}, {@code /sse}, {@code /mcp}
 * (sessions) and a fake OpenAI-compatible model ({@link FakeCompletions}).
 */
final class HttpEchoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

  /** Bounds that keep a demo request from tying the server up for ever. */
  private static final long MAX_SLOW_SECONDS = 3600;
  private static final int MAX_EVENTS = 1_000_000;

  private final EchoServer.Identity identity;
  private final AtomicLong served;
  private final RequestSpans spans;
  private final McpSessions sessions;

  HttpEchoHandler(EchoServer.Identity identity, AtomicLong served, RequestSpans spans, McpSessions sessions) {
    this.identity = identity;
    this.served = served;
    this.spans = spans;
    this.sessions = sessions;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    served.incrementAndGet();
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    Span span = spans.start(request, query.path(), request.headers().get("x-gantry-workload", identity.workload()));
    try {
      switch (query.path()) {
        case "/slow" -> {
          long seconds = Math.min(param(query, "seconds", 1), MAX_SLOW_SECONDS);
          Map<String, Object> echo = echo(ctx, request);
          boolean keepAlive = HttpUtil.isKeepAlive(request);
          ctx.executor().schedule(() -> respond(ctx, keepAlive, HttpResponseStatus.OK, echo, span), seconds, TimeUnit.SECONDS);
        }
        case "/sse" -> {
          EventStream.start(ctx, identity, (int) Math.min(param(query, "n", 10), MAX_EVENTS), param(query, "interval_ms", 100));
          RequestSpans.end(span, 200); // the stream's start: its events are not spans
        }
        case "/mcp" -> mcp(ctx, request, span);
        case "/v1/chat/completions", "/v1/responses" -> {
          FakeCompletions.answer(ctx, request, query.path(), String.valueOf(ctx.channel().localAddress()));
          RequestSpans.end(span, 200);
        }
        default -> respond(ctx, HttpUtil.isKeepAlive(request), HttpResponseStatus.OK, echo(ctx, request), span);
      }
    } catch (IllegalArgumentException e) {
      respond(ctx, false, HttpResponseStatus.BAD_REQUEST, Map.of("error", e.getMessage(), "reason", "bad-parameter"), span);
    }
  }

  /**
   * {@code /mcp}: the echo, in an MCP session of this replica. Without {@code Mcp-Session-Id} a
   * session starts (its id in the response header); with one this replica issued, the echo (a
   * DELETE ends it); with any other, 404, as an MCP server answers a session it does not hold.
   */
  private void mcp(ChannelHandlerContext ctx, FullHttpRequest request, Span span) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String id = request.headers().get(McpSessions.HEADER);
    if (id == null) {
      Map<String, Object> echo = echo(ctx, request);
      String started = sessions.start();
      echo.put("session", started);
      respond(ctx, keepAlive, HttpResponseStatus.OK, echo, span, Map.of(McpSessions.HEADER, started));
    } else if (!sessions.holds(id)) {
      respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND,
          Map.of("error", "this replica holds no session '" + id + "' (start a new one)", "reason", "unknown-session"), span);
    } else {
      Map<String, Object> echo = echo(ctx, request);
      echo.put("session", id);
      if (request.method().name().equals("DELETE")) {
        sessions.end(id);
      }
      respond(ctx, keepAlive, HttpResponseStatus.OK, echo, span, Map.of(McpSessions.HEADER, id));
    }
  }

  private Map<String, Object> echo(ChannelHandlerContext ctx, FullHttpRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    // One demo process serves several workloads; the gateway says which one this request is for.
    body.put("workload", request.headers().get("x-gantry-workload", identity.workload()));
    // The region of this process: the region that served.
    body.put("region", identity.region());
    // Which replica: the address this process listens on.
    body.put("replica", String.valueOf(ctx.channel().localAddress()));
    body.put("method", request.method().name());
    // The request target as it arrived on the wire: path and query, undecoded.
    body.put("path", request.uri());
    Map<String, List<String>> headers = new TreeMap<>();
    request.headers().forEach(h ->
        headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue()));
    body.put("headers", headers);
    if (request.content().isReadable()) {
      // What arrived, as text: the gateway must pass bodies through untouched.
      body.put("body", request.content().toString(StandardCharsets.UTF_8));
    }
    return body;
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body, Span span) {
    respond(ctx, keepAlive, status, body, span, Map.of());
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body, Span span,
      Map<String, String> headers) {
    RequestSpans.end(span, status.code());
    byte[] bytes = (JSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    headers.forEach(response.headers()::set);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static long param(QueryStringDecoder query, String name, long fallback) {
    List<String> values = query.parameters().get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(values.get(0));
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + values.get(0) + "' (expected: a whole number >= 0)");
    }
  }
}
