package dev.gantry.controlplane.usage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Usage in memory: one control plane's, lost when it stops. */
public final class MemoryUsageBook implements UsageBook {

  private record Key(String workspace, String workload, String credential, String region, long minute) {}

  private final Map<Key, UsageCounts> minutes = new HashMap<>();

  @Override
  public synchronized void add(List<UsageMinute> added) {
    for (UsageMinute m : added) {
      minutes.merge(new Key(m.workspace(), m.workload(), m.credential(), m.region(), m.minute()), m.counts(),
          UsageCounts::plus);
    }
  }

  @Override
  public synchronized UsageCounts total(String workspace, long fromEpochSecond) {
    UsageCounts sum = UsageCounts.ZERO;
    for (Map.Entry<Key, UsageCounts> entry : minutes.entrySet()) {
      if (entry.getKey().workspace().equals(workspace) && entry.getKey().minute() >= fromEpochSecond) {
        sum = sum.plus(entry.getValue());
      }
    }
    return sum;
  }

  @Override
  public synchronized Map<String, SortedMap<Long, UsageCounts>> byWorkload(
      String workspace, long fromEpochSecond, long periodSeconds) {
    Map<String, SortedMap<Long, UsageCounts>> rows = new TreeMap<>();
    for (Map.Entry<Key, UsageCounts> entry : minutes.entrySet()) {
      Key key = entry.getKey();
      if (key.workspace().equals(workspace) && key.minute() >= fromEpochSecond) {
        rows.computeIfAbsent(key.workload(), w -> new TreeMap<>())
            .merge(Math.floorDiv(key.minute(), periodSeconds) * periodSeconds, entry.getValue(), UsageCounts::plus);
      }
    }
    return rows;
  }

  @Override
  public synchronized void dropBefore(long epochSecond) {
    minutes.keySet().removeIf(key -> key.minute() < epochSecond);
  }
}
