package dev.gantry.controlplane.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map whose next version shares what did not change: its entries are spread over
 * 1,024 small maps by their keys' hashes, and {@link #with} copies only the small maps a change
 * touches. A snapshot of 100,000 resources with one changed costs one small copy, not 100,000
 * entries; a history of snapshots shares the rest. Reads are a {@link HashMap}'s. A fleet
 * state's workloads are one too: a write touching one workload copies one small map.
 */
public final class ShardedMap<K, V> extends AbstractMap<K, V> {

  private static final int SHARD_BITS = 10;
  private static final int SHARDS = 1 << SHARD_BITS;
  private static final ShardedMap<?, ?> EMPTY = new ShardedMap<>(emptyShards(), 0);

  private final Map<K, V>[] shards;
  private final int size;

  private ShardedMap(Map<K, V>[] shards, int size) {
    this.shards = shards;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  public static <K, V> ShardedMap<K, V> empty() {
    return (ShardedMap<K, V>) EMPTY;
  }

  /** {@code entries} as a sharded map: the map itself when it is one. */
  @SuppressWarnings("unchecked")
  public static <K, V> ShardedMap<K, V> of(Map<? extends K, ? extends V> entries) {
    if (entries instanceof ShardedMap<?, ?> sharded) {
      return (ShardedMap<K, V>) sharded;
    }
    return ShardedMap.<K, V>empty().with(java.util.List.of(), (Map<K, V>) entries);
  }

  /** This map without {@code removed}'s keys and with {@code added}'s entries (added last). */
  public ShardedMap<K, V> with(Collection<K> removed, Map<K, V> added) {
    if (removed.isEmpty() && added.isEmpty()) {
      return this;
    }
    Map<K, V>[] next = shards.clone();
    boolean[] copied = new boolean[SHARDS];
    int nextSize = size;
    for (K key : removed) {
      int shard = shard(key);
      if (next[shard].containsKey(key)) {
        writable(next, copied, shard).remove(key);
        nextSize--;
      }
    }
    for (Map.Entry<K, V> entry : added.entrySet()) {
      java.util.Objects.requireNonNull(entry.getKey(), "a null key");
      java.util.Objects.requireNonNull(entry.getValue(), "a null value");
      int shard = shard(entry.getKey());
      if (writable(next, copied, shard).put(entry.getKey(), entry.getValue()) == null) {
        nextSize++;
      }
    }
    return new ShardedMap<>(next, nextSize);
  }

  /**
   * The keys whose value is not the same object in both maps (or is in one only): found in the
   * shards the two do not share, so two versions of a map a few changes apart cost those
   * shards, not every entry.
   */
  public static <K> Set<K> keysDiffering(ShardedMap<K, ?> before, ShardedMap<K, ?> after) {
    Set<K> differing = new java.util.HashSet<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      Map<K, ?> was = before.shards[shard];
      Map<K, ?> now = after.shards[shard];
      if (was == now) {
        continue;
      }
      now.forEach((key, value) -> {
        if (was.get(key) != value) {
          differing.add(key);
        }
      });
      was.keySet().forEach(key -> {
        if (!now.containsKey(key)) {
          differing.add(key);
        }
      });
    }
    return differing;
  }

  private static <K, V> Map<K, V> writable(Map<K, V>[] shards, boolean[] copied, int shard) {
    if (!copied[shard]) {
      shards[shard] = new HashMap<>(shards[shard]);
      copied[shard] = true;
    }
    return shards[shard];
  }

  /**
   * The top 10 bits of the key's hash mixed by a multiplication: a HashMap picks buckets by the low
   * bits, which must not be the same for every key of a shard (they would all share one bucket).
   */
  private static int shard(Object key) {
    return (key.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - SHARD_BITS);
  }

  @Override
  public V get(Object key) {
    return shards[shard(key)].get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return shards[shard(key)].containsKey(key);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<K, V>> iterator() {
        // Empty shards are skipped by a size check, without an iterator made for each (a small map
        // is mostly empty shards, and a state-of-the-world response walks its type's map for every
        // Envoy); the walk ends at the last entry rather than at the last shard.
        return new Iterator<>() {
          private int shard = -1;
          private int returned = 0;
          private Iterator<Entry<K, V>> current = java.util.Collections.emptyIterator();

          @Override
          public boolean hasNext() {
            if (current.hasNext()) {
              return true;
            }
            if (returned == size) {
              return false;
            }
            while (++shard < SHARDS) {
              if (!shards[shard].isEmpty()) {
                current = shards[shard].entrySet().iterator();
                return true;
              }
            }
            return false;
          }

          @Override
          public Entry<K, V> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Entry<K, V> entry = current.next();
            returned++;
            return new SimpleImmutableEntry<>(entry);
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Map<K, V>[] emptyShards() {
    Map<K, V>[] shards = new Map[SHARDS];
    Arrays.fill(shards, Map.of());
    return shards;
  }
}
