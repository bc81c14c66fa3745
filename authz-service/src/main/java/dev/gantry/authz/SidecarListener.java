package dev.gantry.authz;

import dev.gantry.routing.SidecarAddress;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Where the sidecar listens for its Envoy's Check calls. By default a Unix domain socket: no
 * network interface reaches it, and it is created owner-only ({@code rw-------}), so only
 * processes of the user running Envoy and the sidecar can connect — "no port trusts an address"
 * without the cost of TLS on every check. A TCP address (loopback) remains for setups that
 * cannot share a file system.
 *
 * <p>Public for the benchmark's floor (a Check service that does nothing), which must listen
 * exactly as the sidecar does.
 */
public final class SidecarListener {

  private SidecarListener() {}

  /**
   * A server builder bound to {@code address} with the settings of the Check path; {@code loops}
   * receives the event loop it creates, to close.
   */
  public static NettyServerBuilder builder(SidecarAddress address, java.util.List<EventLoopGroup> loops) throws IOException {
    return bound(address, loops)
        // Check never blocks (an in-memory lookup), so it runs on the transport thread
        // instead of paying a hand-off to an executor on every request.
        .directExecutor()
        // Envoy pings every 30 s or so; gRPC-Java's default (5 min) would kill its streams.
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  private static NettyServerBuilder bound(SidecarAddress address, java.util.List<EventLoopGroup> loops) throws IOException {
    return switch (address) {
      case SidecarAddress.Tcp tcp -> NettyServerBuilder.forAddress(tcp.address().toSocketAddress());
      case SidecarAddress.Unix unix -> {
        // Bound as given: a relative path is relative to the working directory, which keeps it
        // short (sockaddr_un holds about 100 bytes).
        Path socket = Path.of(unix.path());
        Files.deleteIfExists(socket); // a stale socket of a sidecar that died
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        loops.add(group);
        yield NettyServerBuilder.forAddress(new DomainSocketAddress(unix.path()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group);
      }
    };
  }

  /** After binding: a socket file is made owner-only. */
  public static void restrict(SidecarAddress address) throws IOException {
    if (address instanceof SidecarAddress.Unix unix) {
      Files.setPosixFilePermissions(Path.of(unix.path()), PosixFilePermissions.fromString("rw-------"));
    }
  }
}
