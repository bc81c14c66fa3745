package dev.gantry.authz.model;

import java.util.List;

/**
 * A workspace as the decision sees it: which issuers' tokens act for it.
 *
 * @param id the workspace id
 * @param issuers JWT issuers it trusts
 * @param apiKeys its API keys
 * @param signingKeys public keys whose signed requests act for it
 */
public record WorkspaceEntry(
    String id, List<IssuerEntry> issuers, List<ApiKeyEntry> apiKeys, List<SigningKeyEntry> signingKeys) {

  public WorkspaceEntry {
    issuers = List.copyOf(issuers);
    apiKeys = List.copyOf(apiKeys);
    signingKeys = List.copyOf(signingKeys);
  }

  /** A workspace without signing keys. */
  public WorkspaceEntry(String id, List<IssuerEntry> issuers, List<ApiKeyEntry> apiKeys) {
    this(id, issuers, apiKeys, List.of());
  }

  /** A workspace without API keys. */
  public WorkspaceEntry(String id, List<IssuerEntry> issuers) {
    this(id, issuers, List.of());
  }

  /** The same workspace with other keys. */
  public WorkspaceEntry withKeys(List<ApiKeyEntry> nextApiKeys, List<SigningKeyEntry> nextSigningKeys) {
    return new WorkspaceEntry(id, issuers, nextApiKeys, nextSigningKeys);
  }
}
