package dev.gantry.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One server-sent event stream: {@code n} events, one every {@code intervalMs}, each
 * {@code id: <i>} and {@code data: {"seq": i, ...}}, then the end of the response. Runs on the
 * connection's event loop; stops when the client goes away.
 */
final class EventStream {

  private final ChannelHandlerContext ctx;
  private final EchoServer.Identity identity;
  private final int events;
  private final long intervalMs;
  private int sent;

  private EventStream(ChannelHandlerContext ctx, EchoServer.Identity identity, int events, long intervalMs) {
    this.ctx = ctx;
    this.identity = identity;
    this.events = events;
    this.intervalMs = intervalMs;
  }

  static void start(ChannelHandlerContext ctx, EchoServer.Identity identity, int events, long intervalMs) {
    writeHead(ctx);
    new EventStream(ctx, identity, events, intervalMs).next();
  }

  /** The head of an event stream's response: 200, {@code text/event-stream}, chunked, not cached. */
  static void writeHead(ChannelHandlerContext ctx) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    ctx.writeAndFlush(response);
  }

  private void next() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (sent == events) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      return;
    }
    String event = "id: " + sent + "\ndata: {\"seq\":" + sent + ",\"workload\":\"" + identity.workload()
        + "\",\"region\":\"" + identity.region() + "\"}\n\n";
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
    sent++;
    ctx.executor().schedule(this::next, sent == events ? 0 : intervalMs, TimeUnit.MILLISECONDS);
  }
}
