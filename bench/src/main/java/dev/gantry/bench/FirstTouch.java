package dev.gantry.bench;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What this machine's kernel charges for memory touched the first time: an array of {@code
 * --mib} allocated (the JVM zeroes it, touching every page) in a fresh JVM, with the process's
 * system CPU and the wall time over it. A heap that grows pays this for every page it adds; on a
 * virtual machine whose host hands memory back and forth it can cost seconds per GiB, which is
 * what a cold build's or a fan-out's system CPU is to be read against. One line, for machine.txt.
 */
@Command(name = "first-touch", mixinStandardHelpOptions = true,
    description = "The kernel's cost of memory touched the first time (run with -Xmx above --mib).")
final class FirstTouch implements Callable<Integer> {

  @Option(names = "--mib", defaultValue = "1024") int mib;

  /** Read after the loop, so that the array is used. */
  static volatile long sink;

  @Override
  public Integer call() {
    ProcessCpu before = ProcessCpu.now();
    long start = System.nanoTime();
    long[] memory = new long[mib * (1024 * 1024 / Long.BYTES)];
    for (int i = 0; i < memory.length; i += 4096 / Long.BYTES) {
      memory[i] = i;
    }
    double wallS = (System.nanoTime() - start) / 1e9;
    ProcessCpu after = ProcessCpu.now();
    sink = memory[memory.length - 4096 / Long.BYTES];
    System.out.println(String.format(Locale.ROOT,
        "first touch of %d MiB: %.2f s system CPU, %.2f s user, %.2f s wall, resident set +%.0f MiB",
        mib, (after.systemTicks() - before.systemTicks()) / ProcessCpu.TICKS_PER_SECOND,
        (after.userTicks() - before.userTicks()) / ProcessCpu.TICKS_PER_SECOND, wallS, after.rssMib() - before.rssMib()));
    return 0;
  }
}
