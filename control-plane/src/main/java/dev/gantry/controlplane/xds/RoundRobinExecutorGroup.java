package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.server.ExecutorGroup;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each new xDS stream one of a fixed set of executors. Each executor must run one task at
 * a time, so a stream's responses stay in order; the library's default runs responses on the
 * thread that called {@code setSnapshot}, which would make a publish wait for every stream
 * (docs/architecture.md, "Envoy and library behaviour we rely on").
 */
public final class RoundRobinExecutorGroup implements ExecutorGroup {

  private final List<Executor> executors;
  private final AtomicInteger next = new AtomicInteger();

  /** @param executors single-threaded executors, owned by the caller */
  public RoundRobinExecutorGroup(List<Executor> executors) {
    if (executors.isEmpty()) {
      throw new IllegalArgumentException("executors: none given");
    }
    this.executors = List.copyOf(executors);
  }

  @Override
  public Executor next() {
    return executors.get(Math.floorMod(next.getAndIncrement(), executors.size()));
  }
}
