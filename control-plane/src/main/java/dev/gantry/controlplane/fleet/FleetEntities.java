package dev.gantry.controlplane.fleet;

import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.proto.fleet.v1.Entity;
import dev.gantry.routing.WorkloadId;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link FleetState} as fleet entities: one {@link Entity} per (kind, id). The store keeps
 * them as rows and the snapshot stream sends them; both use {@link #diff} to learn what a write
 * changed, so neither knows any kind by name. A new kind is one entry in {@link #KINDS} (and
 * its decoding in {@link #state}). Pure.
 */
public final class FleetEntities {

  private FleetEntities() {}

  /**
   * Names one entity.
   *
   * @param kind the field name of {@link Entity}'s oneof, e.g. {@code workload}
   * @param id its id within the kind
   */
  public record Key(String kind, String id) implements Comparable<Key> {

    public Key {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(id, "id");
    }

    @Override
    public int compareTo(Key other) {
      int byKind = kind.compareTo(other.kind);
      return byKind != 0 ? byKind : id.compareTo(other.id);
    }
  }

  /** What a write changed: entities added or changed (whole), and entities removed. */
  public record Diff(List<Entity> upserted, List<Key> removed) {

    public Diff {
      upserted = List.copyOf(upserted);
      removed = List.copyOf(removed);
    }

    public boolean isEmpty() {
      return upserted.isEmpty() && removed.isEmpty();
    }
  }

  /** A key or another item that belongs to a workspace. */
  private record Owned<T>(String workspace, T item) {}

  /**
   * One kind of entity: the part of a state its items come from, how to list them by key, name
   * a key (the entity's id), and encode an item; and, when the state knows them, the keys that
   * may differ between two states (else every key is looked at). Two states sharing that part
   * have the same items; otherwise items are compared as records first (the same object in both
   * states needs no comparison), and only unequal ones are encoded (and compared again as
   * messages), so a write costs an encoding per changed entity, not per entity.
   */
  private record Kind<K, T>(
      String name, Function<FleetState, Object> source, Function<FleetState, Map<K, T>> items, Function<K, String> id,
      Function<T, Entity> encode, BiFunction<FleetState, FleetState, Collection<K>> mayDiffer) {

    /** A kind whose items are listed by their ids, every one looked at when the source differs. */
    static <T> Kind<String, T> named(
        String name, Function<FleetState, Object> source, Function<FleetState, Map<String, T>> items,
        Function<T, Entity> encode) {
      return new Kind<>(name, source, items, Function.identity(), encode, null);
    }

    String idOf(Object key) {
      @SuppressWarnings("unchecked")
      K typed = (K) key;
      return id.apply(typed);
    }

    Entity encodeItem(Object item) {
      @SuppressWarnings("unchecked")
      T typed = (T) item;
      return encode.apply(typed);
    }
  }

  /** The kind of a custom domain's certificate and key: for the gateways only. */
  public static final String DOMAIN_CERTIFICATE = "domain_certificate";

  /** Every kind the store keeps, in the order a state is rebuilt from them. */
  static final List<Kind<?, ?>> KINDS = List.of(
      Kind.<Workspace>named("workspace", FleetState::workspaces, FleetState::workspaces,
          w -> Entity.newBuilder().setWorkspace(FleetCodec.workspace(w)).build()),
      Kind.<Owned<ApiKey>>named("api_key", FleetState::workspaces, s -> owned(s, Workspace::apiKeys, ApiKey::id),
          k -> Entity.newBuilder().setApiKey(FleetCodec.apiKey(k.workspace(), k.item())).build()),
      Kind.<Owned<SigningKey>>named("signing_key", FleetState::workspaces, s -> owned(s, Workspace::signingKeys, SigningKey::keyId),
          k -> Entity.newBuilder().setSigningKey(FleetCodec.signingKey(k.workspace(), k.item())).build()),
      new Kind<WorkloadId, Workload>("workload", FleetState::workloads, FleetState::workloads, WorkloadId::toString,
          w -> Entity.newBuilder().setWorkload(FleetCodec.workload(w)).build(), FleetEntities::workloadsMayDiffer),
      new Kind<Replica, Replica>("replica", FleetState::replicas, FleetEntities::replicas,
          r -> replicaId(r.workload().toString(), r.region(), r.address().toString()),
          r -> Entity.newBuilder().setReplica(FleetCodec.replica(r)).build(),
          (before, after) -> after.replicasDifferingFrom(before)),
      Kind.<Map.Entry<WorkloadId, WorkloadId>>named("alias", FleetState::routing, s -> aliases(s.routing()),
          a -> Entity.newBuilder().setAlias(FleetCodec.alias(a.getKey(), a.getValue())).build()),
      Kind.<Routing.CustomDomain>named("custom_domain", FleetState::routing, s -> s.routing().customDomains(),
          d -> Entity.newBuilder().setCustomDomain(FleetCodec.domain(d)).build()),
      // Its own kind, so that what carries keys can be left out of what goes to the sidecars.
      Kind.<Routing.CustomDomain>named(DOMAIN_CERTIFICATE, FleetState::routing, FleetEntities::certified,
          d -> Entity.newBuilder().setDomainCertificate(FleetCodec.certificate(d)).build()));

  /** Every kind's name: the names a store or stream may carry. */
  public static List<String> kinds() {
    return KINDS.stream().map(Kind::name).toList();
  }

  /** Every entity of {@code state}, by key. */
  public static SortedMap<Key, Entity> all(FleetState state) {
    SortedMap<Key, Entity> entities = new TreeMap<>();
    for (Kind<?, ?> kind : KINDS) {
      kind.items().apply(state).forEach((key, item) -> entities.put(new Key(kind.name(), kind.idOf(key)), kind.encodeItem(item)));
    }
    return entities;
  }

  /** What changed from {@code before} to {@code after} in the entities of every kind. */
  public static Diff diff(FleetState before, FleetState after) {
    return diff(before, after, Set.copyOf(kinds()));
  }

  /** What changed from {@code before} to {@code after} in the entities of {@code kinds}; sorted by key. */
  public static Diff diff(FleetState before, FleetState after, Set<String> kinds) {
    // Sorted once at the end (a key is met once), cheaper than a tree kept sorted all along when
    // a state of 100,000 workloads is diffed from the empty one.
    List<Map.Entry<Key, Entity>> upserted = new ArrayList<>();
    List<Key> removed = new ArrayList<>();
    for (Kind<?, ?> kind : KINDS) {
      if (!kinds.contains(kind.name())) {
        continue;
      }
      if (kind.source().apply(before) == kind.source().apply(after)) {
        continue;
      }
      Map<?, ?> old = kind.items().apply(before);
      Map<?, ?> now = kind.items().apply(after);
      Collection<?> mayDiffer = kind.mayDiffer() == null ? null : kind.mayDiffer().apply(before, after);
      Iterable<?> candidates = mayDiffer == null ? now.keySet() : mayDiffer;
      int kept = 0;
      List<String> gone = new ArrayList<>();
      for (Object key : candidates) {
        Object item = now.get(key);
        Object previous = old.get(key);
        if (item == null) {
          gone.add(kind.idOf(key));
          continue;
        }
        if (previous != null) {
          kept++;
        }
        if (item == previous || item.equals(previous)) {
          continue;
        }
        Entity encoded = kind.encodeItem(item);
        if (previous == null || !encoded.equals(kind.encodeItem(previous))) {
          upserted.add(Map.entry(new Key(kind.name(), kind.idOf(key)), encoded));
        }
      }
      if (mayDiffer == null && kept < old.size()) {
        old.keySet().stream().filter(key -> !now.containsKey(key)).forEach(key -> gone.add(kind.idOf(key)));
      }
      gone.stream().sorted().forEach(id -> removed.add(new Key(kind.name(), id)));
    }
    upserted.sort(Map.Entry.comparingByKey());
    return new Diff(upserted.stream().map(Map.Entry::getValue).toList(), removed);
  }

  /** The workloads that may differ between two states: the state's own diff, shared with its other readers. */
  private static Collection<WorkloadId> workloadsMayDiffer(FleetState before, FleetState after) {
    FleetState.WorkloadDiff diff = after.workloadsSince(before);
    List<WorkloadId> ids = new ArrayList<>(diff.gone());
    diff.changed().forEach(w -> ids.add(w.id()));
    return ids;
  }

  /** The key of {@code entity}. */
  public static Key key(Entity entity) {
    return switch (entity.getKindCase()) {
      case WORKSPACE -> new Key("workspace", entity.getWorkspace().getId());
      case API_KEY -> new Key("api_key", entity.getApiKey().getId());
      case SIGNING_KEY -> new Key("signing_key", entity.getSigningKey().getKeyId());
      case WORKLOAD -> new Key("workload", entity.getWorkload().getId());
      case REPLICA -> new Key("replica", replicaId(entity.getReplica().getWorkload(), entity.getReplica().getRegion(),
          entity.getReplica().getAddress()));
      case ALIAS -> new Key("alias", entity.getAlias().getAlias());
      case CUSTOM_DOMAIN -> new Key("custom_domain", entity.getCustomDomain().getDomain());
      case DOMAIN_CERTIFICATE -> new Key(DOMAIN_CERTIFICATE, entity.getDomainCertificate().getDomain());
      case KIND_NOT_SET -> throw new IllegalArgumentException("an entity of no kind (expected one of " + kinds() + ")");
    };
  }

  /**
   * The state {@code entities} describe, at {@code version}.
   *
   * @throws IllegalArgumentException when an entity is invalid or names a workspace that is not
   *     among them (nothing is half-built)
   */
  public static FleetState state(long version, Collection<Entity> entities) {
    Map<String, Workspace> workspaces = new HashMap<>();
    Map<String, List<ApiKey>> apiKeys = new HashMap<>();
    Map<String, List<SigningKey>> signingKeys = new HashMap<>();
    Map<WorkloadId, Workload> workloads = new HashMap<>();
    List<Replica> replicas = new ArrayList<>();
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>();
    Map<String, Routing.CustomDomain> domains = new HashMap<>();
    Map<String, dev.gantry.pki.ServingCertificate> certificates = new HashMap<>();
    for (Entity entity : entities) {
      switch (entity.getKindCase()) {
        case WORKSPACE -> workspaces.put(entity.getWorkspace().getId(), FleetCodec.workspace(entity.getWorkspace()));
        case API_KEY -> apiKeys.computeIfAbsent(entity.getApiKey().getWorkspace(), w -> new ArrayList<>())
            .add(FleetCodec.apiKey(entity.getApiKey()));
        case SIGNING_KEY -> signingKeys.computeIfAbsent(entity.getSigningKey().getWorkspace(), w -> new ArrayList<>())
            .add(FleetCodec.signingKey(entity.getSigningKey()));
        case WORKLOAD -> {
          Workload workload = FleetCodec.workload(entity.getWorkload());
          workloads.put(workload.id(), workload);
        }
        case REPLICA -> replicas.add(FleetCodec.replica(entity.getReplica()));
        case ALIAS -> aliases.put(WorkloadId.parse(entity.getAlias().getAlias()), WorkloadId.parse(entity.getAlias().getWorkload()));
        case CUSTOM_DOMAIN -> {
          Routing.CustomDomain domain = FleetCodec.domain(entity.getCustomDomain());
          domains.put(domain.domain(), domain);
        }
        case DOMAIN_CERTIFICATE -> certificates.put(entity.getDomainCertificate().getDomain(),
            FleetCodec.certificate(entity.getDomainCertificate()));
        case KIND_NOT_SET -> throw new IllegalArgumentException("an entity of no kind (expected one of " + kinds() + ")");
      }
    }
    for (String owner : union(apiKeys.keySet(), signingKeys.keySet())) {
      Workspace workspace = workspaces.get(owner);
      if (workspace == null) {
        throw new IllegalArgumentException("keys of workspace '" + owner + "', which does not exist");
      }
      workspaces.put(owner, workspace.withApiKeys(apiKeys.getOrDefault(owner, List.of()))
          .withSigningKeys(signingKeys.getOrDefault(owner, List.of())));
    }
    for (Map.Entry<String, dev.gantry.pki.ServingCertificate> certificate : certificates.entrySet()) {
      Routing.CustomDomain domain = domains.get(certificate.getKey());
      if (domain == null) {
        throw new IllegalArgumentException("a certificate of domain '" + certificate.getKey() + "', which is not bound");
      }
      domains.put(domain.domain(), domain.withCertificate(certificate.getValue()));
    }
    return new FleetState(version, workspaces, workloads, replicas, new Routing(aliases, domains));
  }

  /** The id of a replica within its kind. */
  static String replicaId(String workload, String region, String address) {
    return workload + "/" + region + "/" + address;
  }

  private static <T> Map<String, Owned<T>> owned(
      FleetState state, Function<Workspace, List<T>> items, Function<T, String> id) {
    Map<String, Owned<T>> owned = new HashMap<>();
    for (Workspace workspace : state.workspaces().values()) {
      for (T item : items.apply(workspace)) {
        owned.put(id.apply(item), new Owned<>(workspace.id(), item));
      }
    }
    return owned;
  }

  /**
   * A state's replicas, each its own key, as a view: a replica is looked up by binary search in
   * the state's sorted list, nothing is copied (a replica registered among 100,000 costs its
   * lookups, not a map of all of them).
   */
  private static Map<Replica, Replica> replicas(FleetState state) {
    return new AbstractMap<>() {
      @Override
      public Replica get(Object key) {
        return key instanceof Replica replica && state.hasReplica(replica) ? replica : null;
      }

      @Override
      public boolean containsKey(Object key) {
        return get(key) != null;
      }

      @Override
      public int size() {
        return state.replicas().size();
      }

      @Override
      public Set<Entry<Replica, Replica>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public Iterator<Entry<Replica, Replica>> iterator() {
            return state.replicas().stream().map(replica -> Map.entry(replica, replica)).iterator();
          }

          @Override
          public int size() {
            return state.replicas().size();
          }
        };
      }
    };
  }

  private static Map<String, Map.Entry<WorkloadId, WorkloadId>> aliases(Routing routing) {
    Map<String, Map.Entry<WorkloadId, WorkloadId>> aliases = new HashMap<>();
    routing.aliases().forEach((alias, target) -> aliases.put(alias.toString(), Map.entry(alias, target)));
    return aliases;
  }

  private static Map<String, Routing.CustomDomain> certified(FleetState state) {
    Map<String, Routing.CustomDomain> certified = new HashMap<>();
    state.routing().certifiedDomains().forEach(domain -> certified.put(domain.domain(), domain));
    return certified;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> union = new java.util.TreeSet<>(a);
    union.addAll(b);
    return union;
  }
}
