package dev.gantry.demo;

import dev.gantry.routing.HostPort;
import dev.gantry.telemetry.Telemetry;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the demo workload: HTTP (echo, /slow, /sse, /ws) and gRPC (StreamEcho/Chat). */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description = "Gantry's demo workload: answers JSON describing the request it received; SSE, WebSocket and gRPC streams.")
public final class EchoServerMain implements Callable<Integer> {

  @Option(names = "--listen", defaultValue = "127.0.0.1:18080", description = "HTTP host:port (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--grpc-listen", defaultValue = "127.0.0.1:18090", description = "gRPC host:port (default: ${DEFAULT-VALUE})")
  String grpcListen;

  @Option(names = "--workload", defaultValue = "agt-echo-demo", description = "workload id the HTTP side reports (default: ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--grpc-workload", defaultValue = "agt-grpc-echo-demo", description = "workload id the gRPC side reports (default: ${DEFAULT-VALUE})")
  String grpcWorkload;

  @Option(names = "--region", defaultValue = "eu-lon-1", description = "region it reports (default: ${DEFAULT-VALUE})")
  String region;

  @Option(names = "--control-plane", description = "register the replicas below with this control plane (host:port) and keep their leases")
  String controlPlane;

  @Option(names = "--register", split = ",", paramLabel = "WORKLOAD",
      description = "workloads the HTTP side serves, registered as replicas in --region (needs --control-plane)")
  List<String> register = new ArrayList<>();

  @Option(names = "--register-grpc", split = ",", paramLabel = "WORKLOAD",
      description = "workloads the gRPC side serves, registered as replicas in --region (needs --control-plane)")
  List<String> registerGrpc = new ArrayList<>();

  @Option(names = "--lease-ms", defaultValue = "3000", description = "replica lease without a heartbeat (default: ${DEFAULT-VALUE})")
  long leaseMillis;

  @Option(names = "--drain-ms", defaultValue = "1000",
      description = "on stop: after deregistering, keep serving this long while the gateways learn (default: ${DEFAULT-VALUE})")
  long drainMillis;

  @Option(names = "--pki-dir", defaultValue = ".gantry/pki",
      description = "where ca.pem and registrar-demo-echo/{cert,key}.pem are, for registering (default: ${DEFAULT-VALUE})")
  java.nio.file.Path pkiDir;

  @Option(names = "--dev-server-port", paramLabel = "PORT",
      description = "also answer HTTP on this port of the --listen host: a sandbox's dev server, reached by its preview URL")
  Integer devServerPort;

  @Option(names = "--credential", paramLabel = "DIR", description = "cert.pem and key.pem to register as (default: <pki-dir>/registrar-demo-echo)")
  java.nio.file.Path credential;

  public static void main(String[] args) {
    int exit = new CommandLine(new EchoServerMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  private dev.gantry.pki.TlsFiles tls() {
    java.nio.file.Path dir = credential != null ? credential
        : dev.gantry.pki.PkiDirectory.identityDir(pkiDir, dev.gantry.pki.Identity.registrar("demo-echo"));
    return new dev.gantry.pki.TlsFiles(pkiDir.resolve(dev.gantry.pki.TlsFiles.CA), dir.resolve(dev.gantry.pki.TlsFiles.CERT),
        dir.resolve(dev.gantry.pki.TlsFiles.KEY));
  }

  @Override
  public Integer call() throws Exception {
    HostPort http;
    HostPort grpc;
    try {
      http = HostPort.parse(listen);
      grpc = HostPort.parse(grpcListen);
    } catch (IllegalArgumentException e) {
      System.err.println("echo: " + e.getMessage());
      return 2;
    }
    // OpenTelemetry as the OTEL_* variables say (nothing exported unless they ask): a span per
    // HTTP request, in the gateway's trace.
    Telemetry telemetry = Telemetry.start("gantry-demo-echo", false);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    EchoServer echo = EchoServer.start(http.toSocketAddress(), workload, region, group, telemetry.tracer("dev.gantry.demo"));
    EchoServer devServer = devServerPort == null ? null : EchoServer.start(
        new HostPort(http.host(), devServerPort).toSocketAddress(), "dev-server", region, group, telemetry.tracer("dev.gantry.demo"));
    Server grpcServer =
        NettyServerBuilder.forAddress(grpc.toSocketAddress())
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(new StreamEchoService(grpcWorkload, region))
            .build()
            .start();
    List<ReplicaRegistration.Replica> replicas = new ArrayList<>();
    HostPort httpAddress = new HostPort(http.host(), echo.port());
    HostPort grpcAddress = new HostPort(grpc.host(), grpcServer.getPort());
    register.forEach(w -> replicas.add(new ReplicaRegistration.Replica(w, region, httpAddress)));
    registerGrpc.forEach(w -> replicas.add(new ReplicaRegistration.Replica(w, region, grpcAddress)));
    ReplicaRegistration registration = controlPlane == null || replicas.isEmpty()
        ? null
        : ReplicaRegistration.start(HostPort.parse(controlPlane), replicas, Duration.ofMillis(leaseMillis), tls());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (registration != null) {
        // Leave the endpoints first, then keep answering what is already on its way.
        registration.close();
        try {
          Thread.sleep(drainMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      grpcServer.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      telemetry.close();
    }));
    System.err.println("echo " + workload + " (" + region + ") on " + http.host() + ":" + echo.port()
        + ", gRPC " + grpcWorkload + " on " + grpc + (devServer == null ? "" : ", dev server on " + devServerPort));
    grpcServer.awaitTermination();
    return 0;
  }
}
