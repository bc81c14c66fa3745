package dev.gantry.authz.engine;

import java.util.List;

/**
 * A workspace as the decision sees it: which issuers' tokens act for it.
 *
 * @param id the workspace id
 * @param issuers JWT issuers it trusts
 */
public record WorkspaceEntry(String id, List<IssuerEntry> issuers) {

  public WorkspaceEntry {
    issuers = List.copyOf(issuers);
  }
}
