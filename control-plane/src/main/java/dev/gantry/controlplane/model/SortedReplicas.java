package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Replicas in {@link Replica#ORDER}, immutable: what a {@link FleetState} holds. A state made from
 * another's replicas keeps the same list, not sorted again and the same object, so a write that
 * does not touch replicas costs nothing in proportion to them, and a reader can tell "the same
 * replicas" by identity. Sorted by workload first, a workload's replicas are found by a binary
 * search, one replica is added or removed without sorting, and two lists that share their
 * replicas are compared in one walk that mostly compares references.
 */
final class SortedReplicas extends AbstractList<Replica> implements RandomAccess {

  static final SortedReplicas EMPTY = new SortedReplicas(new Replica[0]);

  private final Replica[] sorted;

  private SortedReplicas(Replica[] sorted) {
    this.sorted = sorted;
  }

  /** {@code replicas} sorted: the list itself when it is one already. */
  static SortedReplicas of(List<Replica> replicas) {
    if (replicas instanceof SortedReplicas sortedAlready) {
      return sortedAlready;
    }
    Replica[] sorted = replicas.toArray(new Replica[0]);
    for (Replica replica : sorted) {
      java.util.Objects.requireNonNull(replica, "a null replica");
    }
    java.util.Arrays.sort(sorted, Replica.ORDER);
    return new SortedReplicas(sorted);
  }

  /** These replicas and {@code replica}: this list when it has it already. */
  SortedReplicas with(Replica replica) {
    int at = Collections.binarySearch(this, replica, Replica.ORDER);
    if (at >= 0) {
      return this;
    }
    int insert = -at - 1;
    Replica[] next = new Replica[sorted.length + 1];
    System.arraycopy(sorted, 0, next, 0, insert);
    next[insert] = replica;
    System.arraycopy(sorted, insert, next, insert + 1, sorted.length - insert);
    return new SortedReplicas(next);
  }

  /** These replicas but {@code replica}: this list when it does not have it. */
  SortedReplicas without(Replica replica) {
    int at = Collections.binarySearch(this, replica, Replica.ORDER);
    if (at < 0) {
      return this;
    }
    Replica[] next = new Replica[sorted.length - 1];
    System.arraycopy(sorted, 0, next, 0, at);
    System.arraycopy(sorted, at + 1, next, at, sorted.length - at - 1);
    return new SortedReplicas(next);
  }

  /** These replicas but those {@code gone} says are: this list when none is. */
  SortedReplicas without(java.util.function.Predicate<Replica> gone) {
    Replica[] kept = java.util.Arrays.stream(sorted).filter(gone.negate()).toArray(Replica[]::new);
    return kept.length == sorted.length ? this : new SortedReplicas(kept);
  }

  boolean has(Replica replica) {
    return Collections.binarySearch(this, replica, Replica.ORDER) >= 0;
  }

  /** The addresses of {@code workload}'s replicas by region, each region's in {@link Replica#ORDER}. */
  Map<String, List<HostPort>> byRegion(WorkloadId workload) {
    String id = workload.toString();
    int low = 0;
    int high = sorted.length;
    while (low < high) { // the first replica whose workload is not before id
      int middle = (low + high) >>> 1;
      if (sorted[middle].workload().toString().compareTo(id) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    Map<String, List<HostPort>> byRegion = new HashMap<>();
    for (int i = low; i < sorted.length && sorted[i].workload().equals(workload); i++) {
      byRegion.computeIfAbsent(sorted[i].region(), r -> new ArrayList<>()).add(sorted[i].address());
    }
    return byRegion;
  }

  /** The workloads with a replica in one list and not in the other. */
  static Set<WorkloadId> workloadsDiffering(SortedReplicas before, SortedReplicas after) {
    Set<WorkloadId> differing = new HashSet<>();
    walkDiffering(before, after, replica -> differing.add(replica.workload()));
    return differing;
  }

  /** The replicas in one list and not in the other, in {@link Replica#ORDER}. */
  static List<Replica> differing(SortedReplicas before, SortedReplicas after) {
    List<Replica> differing = new ArrayList<>();
    walkDiffering(before, after, differing::add);
    return differing;
  }

  /**
   * Gives each replica in one list and not in the other to {@code differing}: one walk over both,
   * mostly comparing references (nothing when they are the same list).
   */
  private static void walkDiffering(SortedReplicas before, SortedReplicas after, Consumer<Replica> differing) {
    if (before == after) {
      return;
    }
    Replica[] a = before.sorted;
    Replica[] b = after.sorted;
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j] || a[i].equals(b[j])) {
        i++;
        j++;
      } else if (Replica.ORDER.compare(a[i], b[j]) < 0) {
        differing.accept(a[i++]);
      } else {
        differing.accept(b[j++]);
      }
    }
    for (; i < a.length; i++) {
      differing.accept(a[i]);
    }
    for (; j < b.length; j++) {
      differing.accept(b[j]);
    }
  }

  @Override
  public Replica get(int index) {
    return sorted[index];
  }

  @Override
  public int size() {
    return sorted.length;
  }
}
