package dev.gantry.demo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** Sends every text message on {@code /ws} straight back. */
final class WebSocketEchoHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
    ctx.writeAndFlush(new TextWebSocketFrame(frame.text()));
  }
}
