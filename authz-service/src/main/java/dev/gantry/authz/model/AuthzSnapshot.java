package dev.gantry.authz.model;

import dev.gantry.routing.HostnameGrammar;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.util.Map;
import java.util.Set;

/**
 * Everything a decision reads, as one immutable value: swapped whole when the control plane
 * sends an update, so a decision never sees half of one.
 *
 * @param version the control plane's version of this state
 * @param catalog regions and groups
 * @param baseDomains the base domains hostnames end with
 * @param grammar the hostname grammar for those base domains
 * @param workloads every workload by id
 * @param workspaces every workspace that trusts a credential issuer, by id
 * @param names legacy hosts, aliases and custom domains
 * @param apiKeys every workspace's API keys by id: found in O(1)
 * @param signingKeys every workspace's signing keys by key id
 */
public record AuthzSnapshot(
    long version,
    RegionCatalog catalog,
    Set<String> baseDomains,
    HostnameGrammar grammar,
    Map<WorkloadId, WorkloadEntry> workloads,
    Map<String, WorkspaceEntry> workspaces,
    Names names,
    Map<String, ApiKeyEntry> apiKeys,
    Map<String, SigningKeyEntry> signingKeys) {

  public AuthzSnapshot {
    baseDomains = Set.copyOf(baseDomains);
    workloads = Map.copyOf(workloads);
    workspaces = Map.copyOf(workspaces);
    java.util.Objects.requireNonNull(names, "names");
    apiKeys = Map.copyOf(apiKeys);
    signingKeys = Map.copyOf(signingKeys);
  }

  private static Map<String, SigningKeyEntry> signingKeyIndex(Map<String, WorkspaceEntry> workspaces) {
    Map<String, SigningKeyEntry> index = new java.util.HashMap<>();
    workspaces.values().forEach(w -> w.signingKeys().forEach(k -> index.put(k.keyId(), k)));
    return index;
  }

  private static Map<String, ApiKeyEntry> keyIndex(Map<String, WorkspaceEntry> workspaces) {
    Map<String, ApiKeyEntry> index = new java.util.HashMap<>();
    workspaces.values().forEach(w -> w.apiKeys().forEach(k -> index.put(k.id(), k)));
    return index;
  }

  /** The same snapshot with other names. */
  public AuthzSnapshot withNames(Names next) {
    return new AuthzSnapshot(version, catalog, baseDomains, grammar, workloads, workspaces, next, apiKeys, signingKeys);
  }

  /** A snapshot whose grammar is built from its base domains. */
  public static AuthzSnapshot of(
      long version, RegionCatalog catalog, Set<String> baseDomains, Map<WorkloadId, WorkloadEntry> workloads,
      Map<String, WorkspaceEntry> workspaces) {
    return new AuthzSnapshot(
        version, catalog, baseDomains, new HostnameGrammar(baseDomains), workloads, workspaces, Names.NONE,
        keyIndex(workspaces), signingKeyIndex(workspaces));
  }

  /** A snapshot without workspaces: every private workload is unreachable. */
  public static AuthzSnapshot of(
      long version, RegionCatalog catalog, Set<String> baseDomains, Map<WorkloadId, WorkloadEntry> workloads) {
    return of(version, catalog, baseDomains, workloads, Map.of());
  }
}
