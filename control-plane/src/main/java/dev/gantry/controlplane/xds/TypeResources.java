package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.ShardedMap;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ResourceVersionResolver;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One type's resources in a snapshot, by name, versioned by their {@link ResourceSetHash}. The
 * library's own {@code SnapshotResources.create} copies every resource into new maps; this one
 * takes a map as it is, so consecutive snapshots can share one ({@link ShardedMap}).
 */
final class TypeResources<T extends Message> extends SnapshotResources<T> {

  private final Map<String, VersionedResource<T>> versioned;
  private final Map<String, T> resources;
  private final String version;

  TypeResources(Map<String, VersionedResource<T>> versioned, ResourceSetHash hash) {
    this.versioned = versioned;
    this.resources = new Unversioned<>(versioned);
    this.version = hash.version();
  }

  /** The resources of {@code hashed}, each by its name. */
  static <T extends Message> TypeResources<T> of(Collection<HashedResource<T>> hashed) {
    Map<String, VersionedResource<T>> byName = HashMap.newHashMap(hashed.size());
    ResourceSetHash hash = ResourceSetHash.EMPTY;
    for (HashedResource<T> resource : hashed) {
      byName.put(resource.name(), resource.versioned());
      hash = hash.plus(resource);
    }
    return new TypeResources<>(Map.copyOf(byName), hash);
  }

  @Override
  public Map<String, VersionedResource<T>> versionedResources() {
    return versioned;
  }

  @Override
  public Map<String, T> resources() {
    return resources;
  }

  @Override
  public ResourceVersionResolver resourceVersionResolver() {
    return names -> version;
  }

  /** A read-only view of the resources without their versions. */
  private static final class Unversioned<T extends Message> extends AbstractMap<String, T> {
    private final Map<String, VersionedResource<T>> versioned;

    Unversioned(Map<String, VersionedResource<T>> versioned) {
      this.versioned = versioned;
    }

    @Override
    public T get(Object name) {
      VersionedResource<T> resource = versioned.get(name);
      return resource == null ? null : resource.resource();
    }

    @Override
    public boolean containsKey(Object name) {
      return versioned.containsKey(name);
    }

    @Override
    public int size() {
      return versioned.size();
    }

    @Override
    public Set<Entry<String, T>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, T>> iterator() {
          Iterator<Entry<String, VersionedResource<T>>> entries = versioned.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return entries.hasNext();
            }

            @Override
            public Entry<String, T> next() {
              Entry<String, VersionedResource<T>> entry = entries.next();
              return new SimpleImmutableEntry<>(entry.getKey(), entry.getValue().resource());
            }
          };
        }

        @Override
        public int size() {
          return versioned.size();
        }
      };
    }
  }
}
