package dev.gantry.authz;

import dev.gantry.routing.HostPort;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts an authz-service sidecar next to one gateway's Envoy. */
@Command(
    name = "authz-service",
    mixinStandardHelpOptions = true,
    description = "Gantry's ext_authz sidecar: answers Envoy's Check from a snapshot streamed by the control plane.")
public final class AuthzServiceMain implements Callable<Integer> {

  @Option(names = "--listen", defaultValue = "127.0.0.1:10100", description = "host:port Envoy calls (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--control-plane", defaultValue = "127.0.0.1:18000", description = "host:port of the control plane (default: ${DEFAULT-VALUE})")
  String controlPlane;

  @Option(names = "--region", required = true, description = "region of the gateway this sidecar serves, e.g. eu-lon-1")
  String region;

  @Option(names = "--id", description = "name in the control plane's status view (default: authz-<region>)")
  String id;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AuthzServiceMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    AuthzServer server =
        AuthzServer.start(
            new AuthzServer.Config(
                address("--listen", listen),
                address("--control-plane", controlPlane),
                region,
                id != null ? id : "authz-" + region));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    server.awaitTermination();
    return 0;
  }

  private static InetSocketAddress address(String flag, String value) {
    try {
      return HostPort.parse(value).toSocketAddress();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new AuthzServiceMain()), flag + ": " + e.getMessage());
    }
  }
}
