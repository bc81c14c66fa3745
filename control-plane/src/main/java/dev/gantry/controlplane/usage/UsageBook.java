package dev.gantry.controlplane.usage;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Where metered usage is kept, by minute: in memory for one control plane, or in the database,
 * where every control-plane replica adds the reports of the sidecars connected to it and reads
 * everyone's — so a workspace's budget counts all regions however the sidecars are spread.
 */
public interface UsageBook {

  /** Days of usage kept; older minutes are dropped. */
  int RETENTION_DAYS = 32;

  /** Adds usage (to what the same minute, workload, credential and region had). */
  void add(List<UsageMinute> minutes);

  /** A workspace's usage since {@code fromEpochSecond}, all workloads, credentials and regions summed. */
  UsageCounts total(String workspace, long fromEpochSecond);

  /**
   * A workspace's usage since {@code fromEpochSecond}, by workload, then by period of {@code
   * periodSeconds} (its start, epoch seconds).
   */
  Map<String, SortedMap<Long, UsageCounts>> byWorkload(String workspace, long fromEpochSecond, long periodSeconds);

  /** Drops the minutes before {@code epochSecond}. */
  void dropBefore(long epochSecond);
}
