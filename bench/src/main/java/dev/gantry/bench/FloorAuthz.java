package dev.gantry.bench;

import dev.gantry.authz.SidecarListener;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.SidecarAddress;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The floor of the authorization hop: the least a Java ext_authz can do. It listens exactly as
 * the sidecar does ({@link SidecarListener}: the same Netty transport, Unix socket, direct
 * executor, keepalive permits) and answers every Check with one response built at start: OK,
 * with the one header the gateway's route needs to pick the workload's cluster. No snapshot,
 * no hostname, no credential, no metrics: what Gantry's hop costs beyond this is Gantry's own.
 */
@Command(name = "floor-authz", mixinStandardHelpOptions = true,
    description = "Serve Envoy's Check with a constant OK (the floor setup of bench/run).")
final class FloorAuthz implements Callable<Integer> {

  @Option(names = "--listen", required = true, description = "unix:<socket path> or host:port, as the sidecar's --listen")
  String listen;

  @Option(names = "--cluster", required = true,
      description = "the cluster every request is sent to (the value of " + GatewayHeaders.CLUSTER + ", e.g. agt-private-demo@eu-lon-1)")
  String cluster;

  @Override
  public Integer call() throws Exception {
    SidecarAddress address = SidecarAddress.parse(listen);
    CheckResponse ok = CheckResponse.newBuilder()
        .setOkResponse(OkHttpResponse.newBuilder().addHeaders(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey(GatewayHeaders.CLUSTER).setValue(cluster))
            .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)))
        .build();
    List<EventLoopGroup> loops = new ArrayList<>();
    Server server = SidecarListener.builder(address, loops)
        .addService(new AuthorizationGrpc.AuthorizationImplBase() {
          @Override
          public void check(CheckRequest request, StreamObserver<CheckResponse> answer) {
            answer.onNext(ok);
            answer.onCompleted();
          }
        })
        .build()
        .start();
    SidecarListener.restrict(address);
    System.out.println("floor-authz listening on " + server.getListenSockets() + ", every request to " + cluster);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      loops.forEach(EventLoopGroup::shutdownGracefully);
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
