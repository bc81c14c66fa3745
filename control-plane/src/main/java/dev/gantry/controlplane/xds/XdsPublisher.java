package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.status.FleetStatusBoard;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each new fleet state to the xDS cache, one snapshot per region. Runs on its own
 * executor so a write never waits for translation; when states arrive faster than they are
 * published, only the newest is translated, and only what changed since the last one is
 * (IncrementalTranslator). A region whose resources did not change keeps its
 * snapshot untouched, so its Envoys receive nothing.
 *
 * <p>When an Envoy refuses (NACKs) a config, its region goes back to the newest snapshot it had
 * accepted, and that refused content is not published again: java-control-plane would otherwise
 * answer the NACK with the same config at once, forever (docs/architecture.md, "Envoy and library behaviour we rely on"). The refusal shows in the
 * status board; the next write that changes the region's resources publishes again.
 */
public final class XdsPublisher {

  private static final Logger log = LoggerFactory.getLogger(XdsPublisher.class);

  /** Snapshots kept per region to go back to. */
  private static final int HISTORY = 8;

  private final IncrementalTranslator translator;
  private final SimpleCache<String> cache;
  private final Set<String> regions;
  private final Executor executor;
  private final FleetStatusBoard board;
  private final AtomicReference<FleetState> pending = new AtomicReference<>();
  // The newest state and edge certificates taken: a change of either translates both.
  private volatile FleetState latest;
  private volatile EdgeCertificates edge = EdgeCertificates.NONE;
  // Touched only by tasks on `executor`, which runs them one at a time.
  private final Map<String, Deque<Published>> history = new HashMap<>();
  private final Map<String, String> refused = new HashMap<>();
  private final CompletableFuture<Void> everyRegionPublished = new CompletableFuture<>();

  /** A snapshot published for a region, and the fleet state version it was translated from. */
  private record Published(ContentVersionedSnapshot snapshot, long stateVersion) {}

  /**
   * @param executor runs translation and cache updates one task at a time; owned by the caller
   */
  public XdsPublisher(
      XdsTranslator translator, SimpleCache<String> cache, Set<String> regions, Executor executor, FleetStatusBoard board) {
    this(translator, cache, regions, executor, Runnable::run, board);
  }

  /**
   * @param executor runs translation and cache updates one task at a time; owned by the caller
   * @param regionWork translates the regions of one state side by side, as far as it has
   *     threads; owned by the caller
   */
  public XdsPublisher(XdsTranslator translator, SimpleCache<String> cache, Set<String> regions, Executor executor,
      Executor regionWork, FleetStatusBoard board) {
    this.translator = new IncrementalTranslator(translator, regionWork);
    this.cache = cache;
    this.regions = Set.copyOf(regions);
    this.executor = executor;
    this.board = board;
  }

  /** Completes once every region has had a snapshot published (and never fails). */
  public CompletableFuture<Void> everyRegionPublished() {
    return everyRegionPublished;
  }

  /** Takes a new state; publishes it soon. Never blocks. */
  public void accept(FleetState state) {
    latest = state;
    if (pending.getAndSet(state) == null) {
      executor.execute(this::publishPending);
    }
  }

  /**
   * Takes new edge certificates (a renewal, a certificate added or removed); publishes them with
   * the newest state soon. Never blocks.
   */
  public void acceptEdge(EdgeCertificates certificates) {
    edge = certificates;
    FleetState state = latest;
    if (state != null) {
      accept(state);
    }
  }

  /**
   * An Envoy of {@code region} refused the {@code type} resources published now; it still runs
   * {@code acceptedVersion} of them. Never blocks.
   */
  public void refused(String region, String type, String acceptedVersion, String reason) {
    executor.execute(() -> revert(region, type, acceptedVersion, reason));
  }

  private void publishPending() {
    FleetState state = pending.getAndSet(null);
    if (state == null) {
      return;
    }
    Map<String, IncrementalTranslator.Translation> translated = translator.snapshots(state, edge, regions);
    for (String region : regions) {
      IncrementalTranslator.Translation translation = translated.get(region);
      if (translation.failure() != null) {
        // The region keeps its last published snapshot; the next state tries again.
        log.error("region {}: state {} could not be translated; keeping the last published",
            region, state.version(), translation.failure());
        continue;
      }
      try {
        ContentVersionedSnapshot snapshot = translation.snapshot();
        Deque<Published> published = history.computeIfAbsent(region, r -> new ArrayDeque<>());
        String current = published.isEmpty() ? null : published.peekFirst().snapshot().contentVersion();
        if (snapshot.contentVersion().equals(refused.get(region))) {
          // Checked first: with no earlier accepted version to go back to, what was refused is
          // still the newest published, and must not count as unchanged (nor as reflected).
          log.warn("region {}: state {} translates to xDS version {}, which an Envoy refused; keeping {}",
              region, state.version(), snapshot.contentVersion(), current);
          continue;
        }
        if (snapshot.contentVersion().equals(current)) {
          if (refused.remove(region) != null) {
            // What was refused is no longer wanted: the state is back to what the Envoys run.
            board.rejectionsResolved(region);
            log.info("region {}: state {} no longer contains what an Envoy refused", region, state.version());
          }
          board.reflects(region, state.version());
          continue;
        }
        publish(region, new Published(snapshot, state.version()));
        board.reflects(region, state.version());
        refused.remove(region);
        log.info("region {}: published state {} as xDS version {} {}",
            region, state.version(), snapshot.contentVersion(), snapshot.counts());
      } catch (RuntimeException e) {
        log.error("region {}: state {} could not be published; keeping the last published", region, state.version(), e);
      }
    }
    if (history.keySet().containsAll(regions)) {
      everyRegionPublished.complete(null);
    }
  }

  private void publish(String region, Published entry) {
    ContentVersionedSnapshot snapshot = entry.snapshot();
    cache.setSnapshot(region, snapshot);
    Deque<Published> published = history.computeIfAbsent(region, r -> new ArrayDeque<>());
    published.removeIf(p -> p.snapshot().contentVersion().equals(snapshot.contentVersion()));
    published.addFirst(entry);
    while (published.size() > HISTORY) {
      published.removeLast();
    }
    board.published(region, snapshot.typeVersions());
  }

  private void revert(String region, String type, String acceptedVersion, String reason) {
    Deque<Published> published = history.get(region);
    if (published == null || published.isEmpty()) {
      return;
    }
    ContentVersionedSnapshot bad = published.peekFirst().snapshot();
    if (acceptedVersion.equals(bad.typeVersions().get(type))) {
      return; // already back on what it accepted
    }
    Iterator<Published> older = published.iterator();
    older.next();
    while (older.hasNext()) {
      Published candidate = older.next();
      if (acceptedVersion.equals(candidate.snapshot().typeVersions().get(type))) {
        refused.put(region, bad.contentVersion());
        published.removeFirst();
        publish(region, candidate);
        // The region's Envoys run that older state's config again, not the refused one's.
        board.reflectsExactly(region, candidate.stateVersion());
        log.warn("region {}: an Envoy refused {} of xDS version {} ({}); back to version {}, which it had accepted",
            region, type, bad.contentVersion(), reason, candidate.snapshot().contentVersion());
        return;
      }
    }
    refused.put(region, bad.contentVersion());
    // Its Envoys run a config this control plane no longer holds: no state version can be vouched for.
    board.withdraw(region);
    log.warn("region {}: an Envoy refused {} of xDS version {} ({}); no earlier version it accepted is kept here",
        region, type, bad.contentVersion(), reason);
  }
}
