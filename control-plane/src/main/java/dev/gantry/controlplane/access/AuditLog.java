package dev.gantry.controlplane.access;

import dev.gantry.proto.fleet.v1.AuditRecord;
import java.util.List;

/** Where admin calls that tried to change the fleet are kept: appended, never changed. */
public interface AuditLog {

  /** Appends {@code record} (its sequence is assigned here). */
  void append(AuditRecord record);

  /** The newest {@code limit} records, of {@code principal} when not empty; oldest first. */
  List<AuditRecord> newest(int limit, String principal);
}
