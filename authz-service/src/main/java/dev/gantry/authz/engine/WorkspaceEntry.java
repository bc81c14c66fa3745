package dev.gantry.authz.engine;

import java.util.List;

/**
 * A workspace as the decision sees it: which issuers' tokens act for it.
 *
 * @param id the workspace id
 * @param issuers JWT issuers it trusts
 * @param apiKeys its API keys
 */
public record WorkspaceEntry(String id, List<IssuerEntry> issuers, List<ApiKeyEntry> apiKeys) {

  public WorkspaceEntry {
    issuers = List.copyOf(issuers);
    apiKeys = List.copyOf(apiKeys);
  }

  /** A workspace without API keys. */
  public WorkspaceEntry(String id, List<IssuerEntry> issuers) {
    this(id, issuers, List.of());
  }
}
