package dev.gantry.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The benchmark suite's Java tools; {@code bench/run} calls them. */
@Command(
    name = "gantry-bench",
    mixinStandardHelpOptions = true,
    subcommands = {CheckLoad.class, Burst.class, FloorAuthz.class, XdsScale.class, XdsClients.class, FirstTouch.class, LongLivedStreams.class, SlowSubscribers.class, TokenFlood.class, OversizedAdmin.class, Propagation.class, Report.class},
    description = "Fixtures, the Check RPC load and the report of bench/run.")
public final class BenchMain {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  /**
   * The command line of one of these tools in a child JVM: this JVM's java and class path,
   * {@code jvmOption} (a heap limit, say), then the tool's {@code arguments}.
   */
  static List<String> inChildJvm(String jvmOption, String... arguments) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        jvmOption, "-cp", System.getProperty("java.class.path"), BenchMain.class.getName()));
    command.addAll(List.of(arguments));
    return command;
  }
}
