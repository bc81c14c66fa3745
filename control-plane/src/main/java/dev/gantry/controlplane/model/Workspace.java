package dev.gantry.controlplane.model;

import dev.gantry.routing.LocationPolicy;
import java.util.List;
import java.util.Objects;

/**
 * A tenant and the credentials that act for it.
 *
 * @param id {@code [a-z0-9]+}, the last part of its workloads' ids
 * @param jwtIssuers issuers whose tokens act for this workspace
 * @param policy where its workloads may run and be served
 * @param apiKeys its API keys (hashes only), revoked ones included; sorted by id
 * @param signingKeys public keys whose signed requests act for it; sorted by key id
 * @param quotas budgets for its metered workloads' usage, at most one per window; sorted by window
 */
public record Workspace(
    String id, List<JwtIssuer> jwtIssuers, LocationPolicy policy, List<ApiKey> apiKeys, List<SigningKey> signingKeys,
    List<Quota> quotas) {

  public Workspace {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[a-z0-9]+")) {
      throw new IllegalArgumentException("workspace id '" + id + "' (expected: lower-case letters and digits)");
    }
    jwtIssuers = List.copyOf(jwtIssuers);
    Objects.requireNonNull(policy, "policy");
    // Sorted by id: a workspace's keys have one order, however they were added or loaded.
    apiKeys = apiKeys.stream().sorted(java.util.Comparator.comparing(ApiKey::id)).toList();
    signingKeys = signingKeys.stream().sorted(java.util.Comparator.comparing(SigningKey::keyId)).toList();
    quotas = quotas.stream().sorted(java.util.Comparator.comparing(Quota::window)).toList();
    for (int i = 1; i < quotas.size(); i++) {
      if (quotas.get(i).window() == quotas.get(i - 1).window()) {
        throw new IllegalArgumentException("workspace '" + id + "' has two quotas per " + quotas.get(i).window().label()
            + " (expected: at most one per window)");
      }
    }
  }

  /** A workspace without quotas. */
  public Workspace(
      String id, List<JwtIssuer> jwtIssuers, LocationPolicy policy, List<ApiKey> apiKeys, List<SigningKey> signingKeys) {
    this(id, jwtIssuers, policy, apiKeys, signingKeys, List.of());
  }

  /** A workspace without signing keys. */
  public Workspace(String id, List<JwtIssuer> jwtIssuers, LocationPolicy policy, List<ApiKey> apiKeys) {
    this(id, jwtIssuers, policy, apiKeys, List.of());
  }

  /** A workspace without API keys. */
  public Workspace(String id, List<JwtIssuer> jwtIssuers, LocationPolicy policy) {
    this(id, jwtIssuers, policy, List.of());
  }

  /** A workspace without a location policy or API keys. */
  public Workspace(String id, List<JwtIssuer> jwtIssuers) {
    this(id, jwtIssuers, LocationPolicy.ANY);
  }

  /** The same workspace under another policy. */
  public Workspace withPolicy(LocationPolicy next) {
    return new Workspace(id, jwtIssuers, next, apiKeys, signingKeys, quotas);
  }

  /** The same workspace with other API keys. */
  public Workspace withApiKeys(List<ApiKey> next) {
    return new Workspace(id, jwtIssuers, policy, next, signingKeys, quotas);
  }

  /** The same workspace with other signing keys. */
  public Workspace withSigningKeys(List<SigningKey> next) {
    return new Workspace(id, jwtIssuers, policy, apiKeys, next, quotas);
  }

  /** The same workspace trusting other JWT issuers. */
  public Workspace withJwtIssuers(List<JwtIssuer> next) {
    return new Workspace(id, next, policy, apiKeys, signingKeys, quotas);
  }

  /** The same workspace with other quotas. */
  public Workspace withQuotas(List<Quota> next) {
    return new Workspace(id, jwtIssuers, policy, apiKeys, signingKeys, next);
  }
}
