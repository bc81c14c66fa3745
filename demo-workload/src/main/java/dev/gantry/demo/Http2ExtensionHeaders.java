package dev.gantry.demo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Removes the headers Netty adds when it turns an HTTP/2 stream into an HTTP/1 request
 * ({@code x-http2-stream-id}, {@code x-http2-scheme}, ...): the echo shows what the client sent.
 */
final class Http2ExtensionHeaders extends ChannelInboundHandlerAdapter {

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
        request.headers().remove(name.text());
      }
    }
    ctx.fireChannelRead(msg);
  }
}
