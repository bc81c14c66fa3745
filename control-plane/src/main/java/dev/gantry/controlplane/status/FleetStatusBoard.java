package dev.gantry.controlplane.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this control plane knows of the fleet connected to it: each Envoy (by ADS stream) with
 * the versions it acknowledged and the configs it refused, each authz sidecar with the snapshot
 * version it serves, and what was published for each region. Fed by the xDS callbacks, the
 * snapshot service and the publisher; read by the status API.
 */
public final class FleetStatusBoard {

  private static final Logger log = LoggerFactory.getLogger(FleetStatusBoard.class);

  /** A config an Envoy or sidecar refused. */
  public record Rejection(String type, String version, String reason) {}

  /**
   * One connected Envoy. Its {@code acked} map changes only through {@link #acked}: the board
   * counts what each Envoy holds as it changes, so a change made around it would go uncounted.
   */
  public record Envoy(String nodeId, String region, Map<String, String> acked, Map<String, Rejection> rejections) {}

  /** One sidecar: the version it serves; what it last refused. */
  public record Sidecar(String sidecarId, String region, long servingVersion, long rejectedVersion, String rejection,
      boolean connected) {}

  private final Map<Long, Envoy> envoys = new ConcurrentHashMap<>();
  private final Map<String, Sidecar> sidecars = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> published = new ConcurrentHashMap<>();
  private final Map<String, Long> reflected = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /**
   * Guards the two tallies below, and their inputs' changes (an Envoy's ACKs, a region's
   * publication, a connection or disconnection), against each other: ACKs arrive on the server's
   * threads while the publisher publishes.
   */
  private final Object tallyLock = new Object();
  /** The connected Envoys (by stream) that do not hold what their region publishes now ({@link #holds}). */
  private final Set<Long> behind = new HashSet<>();
  /** How many Envoys are connected, by region. */
  private final Map<String, Integer> connected = new HashMap<>();

  /**
   * Calls {@code listener} after each change of what Envoys hold or what is published (an ACK, a
   * disconnection, what a region's config reflects — recorded after each publication), on the
   * thread that made it: it must be quick. Every listener added is called.
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Calls every listener; one that throws is logged and does not keep the others from being called. */
  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("a fleet status listener failed", e);
      }
    }
  }

  public void envoyConnected(long stream, String nodeId, String region) {
    Envoy envoy = new Envoy(nodeId, region, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    synchronized (tallyLock) {
      if (envoys.putIfAbsent(stream, envoy) == null) {
        connected.merge(region, 1, Integer::sum);
        tally(stream, envoy);
      }
    }
  }

  public void envoyDisconnected(long stream) {
    synchronized (tallyLock) {
      Envoy gone = envoys.remove(stream);
      if (gone != null) {
        behind.remove(stream);
        connected.computeIfPresent(gone.region(), (region, count) -> count == 1 ? null : count - 1);
      }
    }
    changed();
  }

  /** The Envoy on {@code stream} accepted {@code version} of {@code type}. */
  public void acked(long stream, String type, String version) {
    Envoy envoy = envoys.get(stream);
    if (envoy != null && !version.isEmpty()) {
      synchronized (tallyLock) {
        envoy.acked().put(type, version);
        Rejection rejection = envoy.rejections().get(type);
        if (rejection != null && !rejection.version().equals(version) && version.equals(published(envoy.region(), type))) {
          envoy.rejections().remove(type); // it accepted what is published now
        }
        if (envoys.get(stream) == envoy) { // not disconnected meanwhile
          tally(stream, envoy);
        }
      }
      changed();
    }
  }

  /**
   * Counts the Envoy on {@code stream} behind, or not, by what it holds against what its region
   * publishes now; under the tally's lock.
   */
  private void tally(long stream, Envoy envoy) {
    if (holds(published.get(envoy.region()), envoy.acked())) {
      behind.remove(stream);
    } else {
      behind.add(stream);
    }
  }

  /**
   * Whether an Envoy that ACKed {@code acked} (version by type) holds what is {@code published}:
   * something is, and it ACKed each published type's version. A type it ACKed once and that is
   * published no more (the edge's secrets, when the last certificate goes) does not count.
   */
  public static boolean holds(Map<String, String> published, Map<String, String> acked) {
    if (published == null || published.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> type : published.entrySet()) {
      if (!type.getValue().equals(acked.get(type.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The regions of the connected Envoys when every one of them holds what its region publishes
   * now ({@link #holds}); the empty set when one does not, or none is connected. Counted at each
   * ACK, publication, connection and disconnection, so that asking costs nothing per Envoy: it is
   * asked at every ACK, and a fleet of N Envoys ACKs each write N times.
   */
  public Set<String> regionsAllHolding() {
    synchronized (tallyLock) {
      return behind.isEmpty() ? Set.copyOf(connected.keySet()) : Set.of();
    }
  }

  public void rejected(long stream, Rejection rejection) {
    Envoy envoy = envoys.get(stream);
    if (envoy != null) {
      envoy.rejections().put(rejection.type(), rejection);
    }
  }

  /** What the Envoys of {@code region} refused is no longer published nor wanted. */
  public void rejectionsResolved(String region) {
    envoys.values().stream().filter(e -> e.region().equals(region)).forEach(e -> e.rejections().clear());
  }

  /** The Envoy on {@code stream}, or null. */
  public Envoy envoy(long stream) {
    return envoys.get(stream);
  }

  /** What is published for {@code region} now: version by type. */
  public void published(String region, Map<String, String> typeVersions) {
    synchronized (tallyLock) {
      published.put(region, Map.copyOf(typeVersions));
      envoys.forEach((stream, envoy) -> {
        if (envoy.region().equals(region)) {
          tally(stream, envoy);
        }
      });
    }
  }

  public String published(String region, String type) {
    return published.getOrDefault(region, Map.of()).get(type);
  }

  public Map<String, Map<String, String>> published() {
    return new TreeMap<>(published);
  }

  /**
   * What is published for {@code region} reflects fleet state {@code stateVersion}: translated
   * from it, or found unchanged by it. Versions only grow.
   */
  public void reflects(String region, long stateVersion) {
    reflected.merge(region, stateVersion, Math::max);
    changed();
  }

  /** {@code region} went back to a config translated from {@code stateVersion} (an Envoy refused a newer one). */
  public void reflectsExactly(String region, long stateVersion) {
    reflected.put(region, stateVersion);
    changed();
  }

  /** What {@code region}'s Envoys run reflects no state version this control plane can name. */
  public void withdraw(String region) {
    reflected.remove(region);
  }

  /** Per region, the newest state version its published config reflects. */
  public Map<String, Long> reflected() {
    return new TreeMap<>(reflected);
  }

  public void sidecarConnected(String sidecarId, String region) {
    sidecars.compute(sidecarId, (id, old) -> old == null
        ? new Sidecar(id, region, 0, 0, "", true)
        : new Sidecar(id, region, old.servingVersion(), old.rejectedVersion(), old.rejection(), true));
  }

  public void sidecarDisconnected(String sidecarId) {
    sidecars.computeIfPresent(sidecarId, (id, old) ->
        new Sidecar(id, old.region(), old.servingVersion(), old.rejectedVersion(), old.rejection(), false));
  }

  public void sidecarReported(String sidecarId, String region, long serving, long rejected, String rejection) {
    sidecars.compute(sidecarId, (id, old) ->
        new Sidecar(id, region, serving, rejected, rejection, old == null || old.connected()));
  }

  public List<Envoy> envoys() {
    List<Envoy> list = new ArrayList<>(envoys.values());
    list.sort(Comparator.comparing(Envoy::region).thenComparing(Envoy::nodeId));
    return list;
  }

  /** Sidecars that are connected, or were and reported a refusal. */
  public List<Sidecar> sidecars() {
    List<Sidecar> list = new ArrayList<>(sidecars.values());
    list.removeIf(s -> !s.connected());
    list.sort(Comparator.comparing(Sidecar::region).thenComparing(Sidecar::sidecarId));
    return list;
  }
}
