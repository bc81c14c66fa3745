package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A workload that speaks HTTP/2 and allows 100 concurrent streams per connection (Netty's
 * default; many servers announce about that), announced only in its first SETTINGS frame: a
 * burst of 10,000 streams through the gateway (100 client connections × 100, each answered after
 * 10 s) is served in full, Envoy opening more connections to the workload rather than sending
 * streams beyond the limit before it has read it. Without the gateway's own limit of 100 per
 * workload connection, 7,500 of the 10,000 were answered 503 (seen with Envoy 1.36.4).
 */
class Http2WorkloadIT {

  private static final WorkloadId WORKLOAD = WorkloadId.parse("agt-h2-demo");
  private static final int CONNECTIONS = 100;
  private static final int STREAMS = 100; // per connection: the gateway's own limit

  @RegisterExtension final StackPerClass stacks = StackPerClass.perTest();
  private GatewayStack stack;
  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private Channel server;

  @BeforeEach
  void workload() throws Exception {
    stack = stacks.stack();
    server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Http2MultiplexHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel stream) {
                    stream.pipeline().addLast(new SlowAnswer());
                  }
                }));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    stack.controlPlane.store().update(state -> {
      Map<WorkloadId, Workload> workloads = new HashMap<>(state.workloads());
      workloads.put(WORKLOAD, new Workload(WORKLOAD, true, new TreeSet<>(List.of(GatewayStack.REGION)), Protocol.HTTP2,
          Duration.ofMinutes(5)));
      List<Replica> replicas = new ArrayList<>(state.replicas());
      replicas.add(new Replica(WORKLOAD, GatewayStack.REGION, new HostPort("127.0.0.1", port)));
      return state.withWorkloads(workloads, replicas);
    });
    stack.awaitSidecarCurrent();
    for (int i = 0; i < 300 && stack.get(host(), "/ready").status() != 200; i++) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().sync();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private String host() {
    return stack.host(WORKLOAD + "." + GatewayStack.REGION);
  }

  @Test
  void aBurstOfStreams_toAnHttp2WorkloadThatAllows100PerConnection_isServedInFull() throws Exception {
    List<Channel> connections = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      connections.add(new Bootstrap().group(loop).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                  new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
          })
          .connect("127.0.0.1", stack.gatewayPort).sync().channel());
    }
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (Channel connection : connections) {
      for (int s = 0; s < STREAMS; s++) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        answers.add(answer);
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new Answer(answer)).open().sync().getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("http")
            .authority(host()).path("/slow"), true));
      }
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    for (CompletableFuture<String> answer : answers) {
      outcomes.merge(answer.get(60, TimeUnit.SECONDS), 1, Integer::sum);
    }
    connections.forEach(Channel::close);

    assertThat(outcomes).as(CONNECTIONS * STREAMS + " streams at once")
        .containsExactly(Map.entry("200", CONNECTIONS * STREAMS));
  }

  /** The client's side of one stream: its status, or how it was reset. */
  private static final class Answer extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final CompletableFuture<String> answer;

    Answer(CompletableFuture<String> answer) {
      this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2HeadersFrame headers && headers.headers().status() != null) {
        answer.complete(headers.headers().status().toString());
      } else if (frame instanceof Http2ResetFrame reset) {
        answer.complete("reset " + reset.errorCode());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      answer.complete("closed");
    }
  }

  /** Answers each stream once its request has ended: {@code /slow} after 10 s, anything else at once. */
  private static final class SlowAnswer extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private String path = "";

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      boolean ended = false;
      if (frame instanceof Http2HeadersFrame headers) {
        path = String.valueOf(headers.headers().path());
        ended = headers.isEndStream();
      } else if (frame instanceof Http2DataFrame data) {
        ended = data.isEndStream();
      }
      if (ended) {
        boolean slow = path.startsWith("/slow");
        ctx.executor().schedule(() -> {
          ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
          ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(slow ? "slow\n" : "ready\n",
              StandardCharsets.UTF_8), true));
        }, slow ? 10000 : 0, TimeUnit.MILLISECONDS);
      }
    }
  }
}
