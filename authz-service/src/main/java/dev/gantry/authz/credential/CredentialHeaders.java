package dev.gantry.authz.credential;

import java.util.Set;
import java.util.stream.Stream;

/**
 * Every header a credential arrives in, as each credential kind declares it ({@link
 * BearerCredential#HEADERS} for JWTs and API keys, {@link MessageSignatures#HEADERS} for signed
 * requests): the one place that decides which request headers are credentials, removed before a
 * workload sees the request unless it asked for them. A new credential kind adds its list here.
 */
public final class CredentialHeaders {

  private static final Set<String> ALL =
      Set.copyOf(Stream.of(BearerCredential.HEADERS, MessageSignatures.HEADERS).flatMap(java.util.List::stream).toList());

  private CredentialHeaders() {}

  /** True when {@code name} (lower case) carries a credential. */
  public static boolean isCredential(String name) {
    return ALL.contains(name);
  }
}
