package dev.gantry.controlplane.xds;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values made once per key and kept, up to a number of keys: beyond it a value is made each time
 * it is asked for, never kept (a JVM that translates many catalogs, a test suite, does not fill
 * its heap). Safe to share between threads; two threads asking for a new key at once may both
 * make its value, and either is kept.
 */
final class BoundedMemo<K, V> {
  private final Map<K, V> kept = new ConcurrentHashMap<>();
  private final int capacity;
  private final Function<K, V> make;

  BoundedMemo(int capacity, Function<K, V> make) {
    this.capacity = capacity;
    this.make = make;
  }

  /** The value of {@code key}: kept, or made now (and kept while there is room). */
  V get(K key) {
    V value = kept.get(key);
    if (value == null) {
      value = make.apply(key);
      if (kept.size() < capacity) {
        kept.putIfAbsent(key, value);
      }
    }
    return value;
  }

  /** How many values are kept. */
  int size() {
    return kept.size();
  }
}
