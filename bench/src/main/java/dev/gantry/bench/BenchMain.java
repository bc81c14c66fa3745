package dev.gantry.bench;

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
}
