package dev.gantry.authz.engine;

import dev.gantry.routing.Product;

/** What a credential must be allowed to do to reach a workload of each product. */
public final class Permissions {

  private Permissions() {}

  /** The scope a token needs: invoke an agent, call an MCP server, exec in a sandbox. */
  public static String requiredScope(Product product) {
    return switch (product) {
      case AGENT -> "agt:invoke";
      case MCP_SERVER -> "mcp:call";
      case SANDBOX -> "sbx:exec";
    };
  }
}
