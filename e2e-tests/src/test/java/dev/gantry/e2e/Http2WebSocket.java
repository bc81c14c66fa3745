package dev.gantry.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket over HTTP/2 (RFC 8441 extended CONNECT, {@code :protocol websocket}) to the
 * gateway: the JDK's client only speaks the HTTP/1.1 upgrade. Text frames only, payloads under
 * 126 bytes — enough to prove the gateway carries such a session.
 */
final class Http2WebSocket implements AutoCloseable {

  final CompletableFuture<String> status = new CompletableFuture<>();
  final List<String> received = new CopyOnWriteArrayList<>();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;
  private final Http2StreamChannel stream;

  Http2WebSocket(int gatewayPort, String host, String path) throws Exception {
    this(new PublicPort("plaintext", gatewayPort, null), host, path);
  }

  /**
   * A session to {@code host} (a bare hostname) over {@code port}; over HTTPS, TLS with SNI,
   * the host verified and ALPN h2.
   */
  static Http2WebSocket open(PublicPort port, String host, String path) throws Exception {
    return new Http2WebSocket(port, host + ":" + port.port(), path);
  }

  private Http2WebSocket(PublicPort port, String authority, String path) throws Exception {
    String host = authority.substring(0, authority.lastIndexOf(':'));
    connection = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (port.https()) {
              javax.net.ssl.SSLEngine engine = port.tls().createSSLEngine(host, port.port());
              engine.setUseClientMode(true);
              javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
              parameters.setEndpointIdentificationAlgorithm("HTTPS");
              parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
              parameters.setApplicationProtocols(new String[] {"h2"});
              engine.setSSLParameters(parameters);
              ch.pipeline().addLast(new io.netty.handler.ssl.SslHandler(engine));
            }
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {}
                }));
          }
        })
        .connect("127.0.0.1", port.port()).sync().channel();
    stream = new Http2StreamChannelBootstrap(connection).handler(new Reader()).open().sync().getNow();
    Http2Headers headers = new DefaultHttp2Headers()
        .method("CONNECT").scheme(port.https() ? "https" : "http").path(path).authority(authority);
    headers.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
    headers.set("sec-websocket-version", "13");
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
  }

  /** Sends one masked text frame, as a client must. */
  void send(String text) throws Exception {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (payload.length > 125) {
      throw new IllegalArgumentException("payloads over 125 bytes are not needed here");
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    ByteBuf frame = Unpooled.buffer(6 + payload.length);
    frame.writeByte(0x81).writeByte(0x80 | payload.length).writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.writeByte(payload[i] ^ mask[i % 4]);
    }
    stream.writeAndFlush(new DefaultHttp2DataFrame(frame)).sync();
  }

  @Override
  public void close() throws Exception {
    connection.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Reads the CONNECT answer and the server's (unmasked) text frames. */
  private final class Reader extends SimpleChannelInboundHandler<Object> {
    private final ByteBuf pending = Unpooled.buffer();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame headers && !status.isDone()) {
        status.complete(String.valueOf(headers.headers().status()));
      } else if (msg instanceof Http2DataFrame data && !"200".equals(status.getNow(null))) {
        received.add(data.content().toString(StandardCharsets.UTF_8));
      } else if (msg instanceof Http2DataFrame data) {
        pending.writeBytes(data.content());
        while (pending.readableBytes() >= 2) {
          int length = pending.getUnsignedByte(pending.readerIndex() + 1) & 0x7f;
          if (pending.readableBytes() < 2 + length) {
            break;
          }
          int opcode = pending.readUnsignedByte() & 0x0f;
          pending.skipBytes(1);
          String payload = pending.readCharSequence(length, StandardCharsets.UTF_8).toString();
          if (opcode == 1) {
            received.add(payload);
          }
        }
        pending.discardReadBytes();
      }
    }
  }
}
