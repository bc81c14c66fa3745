package dev.gantry.routing;

/**
 * A hostname that follows the grammar: which workload it names and which location label it
 * carries. Whether the location exists is the region catalog's question, not the grammar's.
 *
 * @param workload the workload the first label names
 * @param location the location label in lower case ({@code "eu-lon-1"}, {@code "eu"}), or null
 *     when the hostname carries none (global)
 * @param baseDomain the configured base domain the hostname ends with
 * @param previewPort for a preview URL ({@code 3000--sbx-box-demo...}), the sandbox's port it
 *     names; 0 for a workload's own hostname
 */
public record ParsedHost(WorkloadId workload, String location, String baseDomain, int previewPort)
    implements HostnameGrammar.Result {

  /** A workload's own hostname (no preview port). */
  public ParsedHost(WorkloadId workload, String location, String baseDomain) {
    this(workload, location, baseDomain, 0);
  }

  /** Whether the hostname is a preview URL of a sandbox's port. */
  public boolean isPreview() {
    return previewPort != 0;
  }

  /** True when the hostname names no location: the nearest allowed region worldwide. */
  public boolean isGlobal() {
    return location == null;
  }
}
