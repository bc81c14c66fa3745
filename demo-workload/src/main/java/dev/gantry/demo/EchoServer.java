package dev.gantry.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo workload's HTTP side (HTTP/1.1, and HTTP/2 with prior knowledge on the same port;
 * the WebSocket over HTTP/1.1 only):
 * answers every request with JSON describing what it
 * received (method, path with query exactly as sent, headers) and what it is (workload,
 * region), and offers the long-lived shapes agent traffic takes:
 *
 * <ul>
 *   <li>{@code GET /slow?seconds=s} — the first byte after s seconds, like an LLM thinking;
 *   <li>{@code GET /sse?n=events&interval_ms=ms} — server-sent events;
 *   <li>{@code /ws} — a WebSocket that echoes every text message;
 *   <li>{@code /mcp} — the echo in MCP sessions of this replica ({@code Mcp-Session-Id}: issued
 *       when absent, 404 for a session another replica issued), and which replica answered.
 * </ul>
 *
 * Tests read the answers to see what a gateway forwarded.
 */
public final class EchoServer implements AutoCloseable {

  private final Channel channel;
  private final ChannelGroup connections;
  private final AtomicLong served;

  private EchoServer(Channel channel, ChannelGroup connections, AtomicLong served) {
    this.connections = connections;
    this.channel = channel;
    this.served = served;
  }

  /**
   * Starts answering on {@code address}.
   *
   * @param workload the workload id it reports, e.g. {@code agt-echo-demo}
   * @param region the region it reports
   * @param group runs the server's I/O; owned by the caller
   */
  public static EchoServer start(InetSocketAddress address, String workload, String region, EventLoopGroup group)
      throws InterruptedException {
    return start(address, workload, region, group, null);
  }

  /** As above, with a span per HTTP request on {@code tracer} (none when null), in the gateway's trace. */
  public static EchoServer start(InetSocketAddress address, String workload, String region, EventLoopGroup group,
      io.opentelemetry.api.trace.Tracer tracer) throws InterruptedException {
    RequestSpans spans = tracer == null ? RequestSpans.NONE : new RequestSpans(tracer);
    AtomicLong served = new AtomicLong();
    Identity identity = new Identity(workload, region);
    McpSessions sessions = new McpSessions();
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Channel channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline().addLast(new PriorKnowledge(
                        // HTTP/2 (a gateway cluster with protocol http2): each stream its own
                        // request, answered by the same handler as HTTP/1.1's.
                        ctx -> ctx.pipeline().addLast(
                            Http2FrameCodecBuilder.forServer()
                                // 48 KiB of headers, as over HTTP/1.1; 10,000 streams per
                                // connection (Netty's default is 100; the gateway opens 100 at most).
                                .initialSettings(Http2Settings.defaultSettings()
                                    .maxHeaderListSize(48 * 1024).maxConcurrentStreams(10_000))
                                .build(),
                            new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                              @Override
                              protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(
                                    new Http2StreamFrameToHttpObjectCodec(true),
                                    new HttpObjectAggregator(1 << 20),
                                    new Http2ExtensionHeaders(),
                                    new HttpEchoHandler(identity, served, spans, sessions));
                              }
                            })),
                        ctx -> ctx.pipeline()
                            // Headers up to 48 KiB: the gateway passes 32 KiB of a client's and adds its own.
                            .addLast(new HttpServerCodec(4096, 48 * 1024, 8192))
                            .addLast(new HttpObjectAggregator(1 << 20))
                            .addLast(new WebSocketServerProtocolHandler("/ws", null, true))
                            .addLast(new WebSocketEchoHandler())
                            .addLast(new HttpEchoHandler(identity, served, spans, sessions))));
                  }
                })
            .bind(address)
            .sync()
            .channel();
    return new EchoServer(channel, connections, served);
  }

  /** The port it listens on (useful when started on port 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** How many HTTP requests it has answered (WebSocket messages not counted). */
  public long requestsServed() {
    return served.get();
  }

  /** Stops listening and closes every open connection: what clients see when the process dies. */
  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    connections.close().sync();
  }

  /** What the server says it is, in every answer. */
  record Identity(String workload, String region) {}
}
