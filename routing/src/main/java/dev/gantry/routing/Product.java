package dev.gantry.routing;

/** The kinds of workload Gantry routes to; the first part of a workload's hostname label. */
public enum Product {
  /** An agent: {@code agt-...}. */
  AGENT("agt"),
  /** An MCP server: {@code mcp-...}. */
  MCP_SERVER("mcp"),
  /** A sandbox: {@code sbx-...}. */
  SANDBOX("sbx");

  private final String label;

  Product(String label) {
    this.label = label;
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
