package dev.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This process's CPU time, user and system apart, and its resident set, at one moment: what a
 * phase cost is the difference of two. System time that rises with the resident set's growth
 * points at the kernel handing out pages touched for the first time (a heap growing).
 *
 * @param userTicks utime of {@code /proc/<pid>/stat}, in clock ticks
 * @param systemTicks its stime
 * @param rssMib {@code VmRSS}
 */
record ProcessCpu(long userTicks, long systemTicks, double rssMib) {

  /** Clock ticks per second of {@code /proc/<pid>/stat} on Linux (getconf CLK_TCK). */
  static final double TICKS_PER_SECOND = 100;

  /** Now; unknown (negative) where {@code /proc} is not there to read. */
  static ProcessCpu now() {
    try {
      return of(ProcessHandle.current().pid());
    } catch (IOException | RuntimeException e) {
      return new ProcessCpu(-1, -1, -1);
    }
  }

  /** Process {@code pid} now, from {@code /proc/<pid>/stat} and {@code status}. */
  static ProcessCpu of(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command's name: state is the 1st field (3rd of the line), utime the 12th, stime the 13th.
    return new ProcessCpu(Long.parseLong(fields[11]), Long.parseLong(fields[12]), Memory.rssMib(pid));
  }

  /** User and system time together, in clock ticks. */
  long ticks() {
    return userTicks + systemTicks;
  }

  /**
   * What passed since {@code before}: user and system seconds, and the resident set's growth;
   * nothing when either moment is unknown.
   */
  Map<String, Object> since(ProcessCpu before) {
    Map<String, Object> spent = new LinkedHashMap<>();
    if (userTicks < 0 || before.userTicks < 0) {
      return spent;
    }
    spent.put("cpu_user_s", (userTicks - before.userTicks) / TICKS_PER_SECOND);
    spent.put("cpu_system_s", (systemTicks - before.systemTicks) / TICKS_PER_SECOND);
    spent.put("rss_growth_mib", rssMib - before.rssMib);
    return spent;
  }
}
