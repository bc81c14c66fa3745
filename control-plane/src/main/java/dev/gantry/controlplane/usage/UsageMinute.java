package dev.gantry.controlplane.usage;

/**
 * One minute's usage of one workload, called with one credential, entered in one region.
 *
 * @param workspace the workload's workspace
 * @param workload the workload
 * @param credential the caller's credential id; {@code anonymous} without one
 * @param region where the client entered (whose sidecar metered it)
 * @param minute the minute's start, epoch seconds (a multiple of 60)
 * @param counts what it used
 */
public record UsageMinute(String workspace, String workload, String credential, String region, long minute,
    UsageCounts counts) {

  public UsageMinute {
    if (minute % 60 != 0) {
      throw new IllegalArgumentException("a usage minute starts on a minute (epoch seconds " + minute + ")");
    }
  }
}
