package dev.gantry.authz.credential;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, so a token presented again costs a map lookup instead of a
 * signature check. Bounded by each token's expiry and by size: past {@code capacity} entries the
 * expired ones go, and if that is not enough, all of them (a rare, cheap reset rather than an
 * LRU's bookkeeping on every hit).
 */
public final class VerifiedTokens {

  private final ConcurrentHashMap<String, Principal> tokens = new ConcurrentHashMap<>();
  private final int capacity;

  public VerifiedTokens(int capacity) {
    this.capacity = capacity;
  }

  /** The principal of a token verified before for this workspace and still valid at {@code now}. */
  Principal get(String workspace, String token, Instant now) {
    Principal principal = tokens.get(key(workspace, token));
    if (principal == null || !now.isBefore(principal.expiresAt())) {
      return null;
    }
    return principal;
  }

  void put(String workspace, String token, Principal principal, Instant now) {
    if (tokens.size() >= capacity) {
      tokens.values().removeIf(p -> !now.isBefore(p.expiresAt()));
      if (tokens.size() >= capacity) {
        tokens.clear();
      }
    }
    tokens.put(key(workspace, token), principal);
  }

  int size() {
    return tokens.size();
  }

  private static String key(String workspace, String token) {
    return workspace + ' ' + token;
  }
}
