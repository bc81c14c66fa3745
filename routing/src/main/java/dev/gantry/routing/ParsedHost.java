package dev.gantry.routing;

/**
 * A hostname that follows the grammar: which workload it names and which location label it
 * carries. Whether the location exists is the region catalog's question, not the grammar's.
 *
 * @param workload the workload the first label names
 * @param location the location label in lower case ({@code "eu-lon-1"}, {@code "eu"}), or null
 *     when the hostname carries none (global)
 * @param baseDomain the configured base domain the hostname ends with
 */
public record ParsedHost(WorkloadId workload, String location, String baseDomain)
    implements HostnameGrammar.Result {

  /** True when the hostname names no location: the nearest allowed region worldwide. */
  public boolean isGlobal() {
    return location == null;
  }
}
