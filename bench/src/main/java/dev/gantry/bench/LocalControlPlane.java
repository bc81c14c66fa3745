package dev.gantry.bench;

import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import dev.gantry.routing.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * A control plane for one region (eu-lon-1) in the bench's JVM, with the run's certificates and
 * mutual TLS as in {@code ./gantry up}; and channels to a control plane on loopback (that one, or
 * {@code bench/run}'s own) as one of the fleet's identities.
 */
final class LocalControlPlane {

  private LocalControlPlane() {}

  /** Starts it on {@code port} with {@code seedYaml}; its gateway and sidecar addresses are never dialled. */
  static ControlPlane start(Path pkiDir, int port, String seedYaml, String name) throws Exception {
    Topology topology = TopologyLoader.load("""
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: "127.0.0.1:%d"}
        """.formatted(port + 1, port + 2, port + 3), name + " topology");
    return ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", port), topology,
        SeedLoader.load(seedYaml, name + " seed", topology), null, TlsFiles.in(pkiDir, Identity.controlPlane())));
  }

  /** A channel to it showing {@code identity}'s certificate and checking the control plane's. */
  static NettyChannelBuilder channel(Path pkiDir, int port, Identity identity) throws Exception {
    return NettyChannelBuilder.forAddress("127.0.0.1", port, GrpcTls.client(TlsFiles.in(pkiDir, identity),
        peer -> peer.role() == Identity.Role.CONTROL_PLANE, Executors.newSingleThreadScheduledExecutor()));
  }

  static ManagedChannel connect(Path pkiDir, int port, Identity identity) throws Exception {
    return channel(pkiDir, port, identity).build();
  }
}
