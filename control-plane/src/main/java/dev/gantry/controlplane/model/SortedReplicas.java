package dev.gantry.controlplane.model;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Replicas in {@link Replica#ORDER}, immutable: what a {@link FleetState} holds. A state made from
 * another's replicas keeps the same list, unsorted again and the same object, so a write that
 * does not touch replicas costs nothing in proportion to them, and a reader can tell "the same
 * replicas" by identity.
 */
final class SortedReplicas extends AbstractList<Replica> implements RandomAccess {

  private final List<Replica> sorted;

  private SortedReplicas(List<Replica> sorted) {
    this.sorted = sorted;
  }

  /** {@code replicas} sorted: the list itself when it is one already. */
  static List<Replica> of(List<Replica> replicas) {
    return replicas instanceof SortedReplicas ? replicas : new SortedReplicas(replicas.stream().sorted(Replica.ORDER).toList());
  }

  @Override
  public Replica get(int index) {
    return sorted.get(index);
  }

  @Override
  public int size() {
    return sorted.size();
  }
}
