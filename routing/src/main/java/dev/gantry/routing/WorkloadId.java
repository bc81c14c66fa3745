package dev.gantry.routing;

import java.util.Objects;

/**
 * A workload's identity: {@code <product>-<name>-<workspace>}, e.g. {@code agt-echo-demo}. The
 * same string is the first label of the workload's hostnames.
 *
 * @param product what kind of workload it is
 * @param name the workload's name within its workspace; DNS-label characters, may contain '-'
 * @param workspace the owning workspace; {@code [a-z0-9]+}
 */
public record WorkloadId(Product product, String name, String workspace) {

  public WorkloadId {
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workspace, "workspace");
  }

  /**
   * Parses a workload id such as {@code "agt-echo-demo"} with the same rules as a hostname's first
   * label.
   *
   * @throws IllegalArgumentException naming what is wrong, when {@code id} is not a workload id
   */
  public static WorkloadId parse(String id) {
    HostnameGrammar.Result result = HostnameGrammar.parseWorkloadLabel(id);
    if (result instanceof HostnameGrammar.Rejected rejected) {
      throw new IllegalArgumentException(
          "workload id '" + id + "': " + rejected.message() + " (" + rejected.reason().code() + ")");
    }
    return ((ParsedHost) result).workload();
  }

  /** The id as written in hostnames: {@code agt-echo-demo}. */
  @Override
  public String toString() {
    return product.label() + '-' + name + '-' + workspace;
  }
}
