package dev.gantry.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells HTTP/2 with prior knowledge (a client, such as a gateway whose cluster speaks HTTP/2 to
 * the workload, that opens with the connection preface {@code PRI * HTTP/2.0...}) from HTTP/1.1
 * on one port, by the connection's first bytes, then hands the connection to the pipeline of
 * the protocol it speaks. No Upgrade dance: a client either knows or speaks HTTP/1.1.
 */
final class PriorKnowledge extends ByteToMessageDecoder {

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Consumer<ChannelHandlerContext> http2;
  private final Consumer<ChannelHandlerContext> http1;

  /** Each adds its protocol's handlers at the end of the pipeline, where this one is (and then leaves). */
  PriorKnowledge(Consumer<ChannelHandlerContext> http2, Consumer<ChannelHandlerContext> http1) {
    this.http2 = http2;
    this.http1 = http1;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
    boolean preface = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), length);
    if (preface && length < PREFACE.readableBytes()) {
      return; // the preface so far: wait for the rest
    }
    (preface ? http2 : http1).accept(ctx);
    // Leaving: the bytes read so far go on to the handlers just added.
    ctx.pipeline().remove(this);
  }
}
