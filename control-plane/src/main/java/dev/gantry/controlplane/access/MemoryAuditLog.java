package dev.gantry.controlplane.access;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.gantry.proto.fleet.v1.AuditRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The audit log of a control plane without a database: the newest records, in memory. */
@ThreadSafe
public final class MemoryAuditLog implements AuditLog {

  private static final int KEPT = 10_000;

  @GuardedBy("this")
  private final Deque<AuditRecord> records = new ArrayDeque<>();

  @GuardedBy("this")
  private long sequence;

  @Override
  public synchronized void append(AuditRecord record) {
    records.addLast(record.toBuilder().setSequence(++sequence).build());
    while (records.size() > KEPT) {
      records.removeFirst();
    }
  }

  @Override
  public synchronized List<AuditRecord> newest(int limit, String principal) {
    List<AuditRecord> found = new ArrayList<>();
    var newestFirst = records.descendingIterator();
    while (newestFirst.hasNext() && found.size() < limit) {
      AuditRecord record = newestFirst.next();
      if (principal.isEmpty() || record.getPrincipal().equals(principal)) {
        found.addFirst(record);
      }
    }
    return found;
  }
}
