package dev.gantry.authz.engine;

import dev.gantry.authz.credential.CredentialHeaders;
import dev.gantry.routing.GatewayHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a decision does with the request's own headers: which are removed before the workload
 * (credentials, and anything a client sent in the gateway's namespace), and the {@code Via} hop
 * guard. Pure.
 */
final class HeaderRules {

  private HeaderRules() {}

  /** True when {@code viaToken} (this gateway's) appears twice in {@code Via}: it saw the request before. */
  static boolean seenBefore(String via, String viaToken) {
    if (via == null) {
      return false;
    }
    // Each hop is "[protocol] received-by [comment]"; Envoy's own hops are the bare token.
    int seen = 0;
    for (String hop : via.split(",")) {
      for (String word : hop.strip().split("\\s+")) {
        if (word.equals(viaToken)) {
          seen++;
          break;
        }
      }
    }
    return seen > 1;
  }

  /**
   * The raw credential, and client-sent headers in the gateway's namespace: Envoy already strips
   * the known ones; any other is removed here so nothing a client sets under that prefix reaches
   * a workload.
   */
  static List<String> toRemove(
      Map<String, String> headers, Map<String, String> replacedAnyway, boolean keepCredential) {
    List<String> found = null;
    for (String name : headers.keySet()) {
      boolean credential = CredentialHeaders.isCredential(name);
      if ((GatewayHeaders.clientMayNotSend(name) && !replacedAnyway.containsKey(name)) || (credential && !keepCredential)) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(name);
      }
    }
    return found == null ? List.of() : found;
  }
}
