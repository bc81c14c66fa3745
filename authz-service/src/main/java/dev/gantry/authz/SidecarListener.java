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

/**
 * Where the sidecar listens for its Envoy's Check calls. By default a Unix domain socket: no
 * network interface reaches it, and it is created owner-only ({@code rw-------}), so only
 * processes of the user running Envoy and the sidecar can connect — "no port trusts an address"
 * without the cost of TLS on every check. A TCP address (loopback) remains for setups that
 * cannot share a file system.
 */
final class SidecarListener {

  private SidecarListener() {}

  /** A server builder bound to {@code address}; {@code loops} receives the event loop it creates, to close. */
  static NettyServerBuilder builder(SidecarAddress address, java.util.List<EventLoopGroup> loops) throws IOException {
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
  static void restrict(SidecarAddress address) throws IOException {
    if (address instanceof SidecarAddress.Unix unix) {
      Files.setPosixFilePermissions(Path.of(unix.path()), PosixFilePermissions.fromString("rw-------"));
    }
  }
}
