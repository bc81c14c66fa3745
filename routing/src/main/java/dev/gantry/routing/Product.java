package dev.gantry.routing;

/** The kinds of workload Gantry routes to; the first part of a workload's hostname label. */
public enum Product {
  /** An agent: {@code agt-...}; invoking one needs scope {@code agt:invoke}. */
  AGENT("agt", "agt:invoke"),
  /** An MCP server: {@code mcp-...}; calling one needs scope {@code mcp:call}. */
  MCP_SERVER("mcp", "mcp:call"),
  /** A sandbox: {@code sbx-...}; exec in one needs scope {@code sbx:exec}. */
  SANDBOX("sbx", "sbx:exec");

  /** Every product's scope: what a credential without a narrower list may do. */
  public static final java.util.Set<String> SCOPES =
      java.util.Set.of(AGENT.scope, MCP_SERVER.scope, SANDBOX.scope);

  private final String label;
  private final String scope;

  Product(String label, String scope) {
    this.label = label;
    this.scope = scope;
  }

  /**
   * The scope a credential needs to reach a workload of this product: invoke an agent, call an
   * MCP server, exec in a sandbox. The one place product permissions are written.
   */
  public String scope() {
    return scope;
  }

  /** The product's prefix in hostnames and workload ids, e.g. {@code "agt"}. */
  public String label() {
    return label;
  }

  /** The product whose label is {@code label} (lower case), or null when there is none. */
  public static Product fromLabel(String label) {
    return switch (label) {
      case "agt" -> AGENT;
      case "mcp" -> MCP_SERVER;
      case "sbx" -> SANDBOX;
      default -> null;
    };
  }
}
