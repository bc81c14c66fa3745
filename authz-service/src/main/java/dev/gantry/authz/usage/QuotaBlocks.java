package dev.gantry.authz.usage;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The workspaces over a quota, as the control plane last said (with the answer to a usage
 * report): their metered workloads refuse new requests until the block's end. A block ends by
 * itself at its window's end, so a sidecar cut off from the control plane stops refusing then.
 */
public final class QuotaBlocks {

  /**
   * A workspace over a quota.
   *
   * @param until served again from then
   * @param quota which budget, in words
   */
  public record Block(String workspace, Instant until, String quota) {}

  private volatile Map<String, Block> blocks = Map.of();

  /** The control plane's current list: every block not in it is lifted. */
  public void replace(List<Block> next) {
    Map<String, Block> byWorkspace = new HashMap<>();
    for (Block block : next) {
      byWorkspace.merge(block.workspace(), block, (a, b) -> a.until().isAfter(b.until()) ? a : b);
    }
    blocks = Map.copyOf(byWorkspace);
  }

  /** The block on {@code workspace} at {@code now}, or null. */
  public Block of(String workspace, Instant now) {
    Block block = blocks.isEmpty() ? null : blocks.get(workspace);
    return block != null && block.until().isAfter(now) ? block : null;
  }
}
