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

  private final ConcurrentHashMap<Key, Principal> tokens = new ConcurrentHashMap<>();
  private final int capacity;

  public VerifiedTokens(int capacity) {
    this.capacity = capacity;
  }

  /** The principal of a token verified before for this workspace and still valid at {@code now}. */
  Principal get(String workspace, String token, Instant now) {
    Principal principal = tokens.get(new Key(workspace, token));
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
    tokens.put(new Key(workspace, token), principal);
  }

  /** A token verified for one workspace; a record, so a hit never copies the token into a new string. */
  private record Key(String workspace, String token) {}
}
