package dev.gantry.controlplane.xds;

import dev.gantry.controlplane.model.FleetState;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each new fleet state to the xDS cache, one snapshot per region. Runs on its own
 * executor so a write never waits for translation; when states arrive faster than they are
 * published, only the newest is translated. A region whose resources did not change keeps its
 * snapshot untouched, so its Envoys receive nothing.
 */
public final class XdsPublisher {

  private static final Logger log = LoggerFactory.getLogger(XdsPublisher.class);

  private final XdsTranslator translator;
  private final SimpleCache<String> cache;
  private final Set<String> regions;
  private final Executor executor;
  private final AtomicReference<FleetState> pending = new AtomicReference<>();
  // Touched only by tasks on `executor`, which runs them one at a time.
  private final Map<String, String> published = new HashMap<>();

  /**
   * @param executor runs translation and cache updates one task at a time; owned by the caller
   */
  public XdsPublisher(XdsTranslator translator, SimpleCache<String> cache, Set<String> regions, Executor executor) {
    this.translator = translator;
    this.cache = cache;
    this.regions = Set.copyOf(regions);
    this.executor = executor;
  }

  /** Takes a new state; publishes it soon. Never blocks. */
  public void accept(FleetState state) {
    if (pending.getAndSet(state) == null) {
      executor.execute(this::publishPending);
    }
  }

  private void publishPending() {
    FleetState state = pending.getAndSet(null);
    if (state == null) {
      return;
    }
    for (String region : regions) {
      try {
        ContentVersionedSnapshot snapshot = ContentVersionedSnapshot.of(translator.translate(state, region));
        if (!snapshot.contentVersion().equals(published.get(region))) {
          cache.setSnapshot(region, snapshot);
          published.put(region, snapshot.contentVersion());
          log.info("region {}: published state {} as xDS version {} {}",
              region, state.version(), snapshot.contentVersion(), snapshot.counts());
        }
      } catch (RuntimeException e) {
        // The region keeps its last published snapshot; the next state tries again.
        log.error("region {}: state {} could not be translated; keeping the last published", region, state.version(), e);
      }
    }
  }
}
