package dev.gantry.demo;

import dev.gantry.routing.HostPort;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the echo workload. */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description = "Gantry's demo workload: answers JSON describing the request it received.")
public final class EchoServerMain implements Callable<Integer> {

  @Option(names = "--listen", defaultValue = "127.0.0.1:18080", description = "host:port (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--workload", defaultValue = "agt-echo-demo", description = "workload id it reports (default: ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--region", defaultValue = "eu-lon-1", description = "region it reports (default: ${DEFAULT-VALUE})")
  String region;

  public static void main(String[] args) {
    int exit = new CommandLine(new EchoServerMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    HostPort address;
    try {
      address = HostPort.parse(listen);
    } catch (IllegalArgumentException e) {
      System.err.println("echo: --listen: " + e.getMessage());
      return 2;
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    EchoServer echo = EchoServer.start(address.toSocketAddress(), workload, region, executor);
    System.err.println("echo " + workload + " (" + region + ") listening on " + address.host() + ":" + echo.port());
    return 0;
  }
}
