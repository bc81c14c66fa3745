package dev.gantry.controlplane.deploy;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Preview;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.WorkloadId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sandbox's preview ports and their tokens: expose a port, stop exposing it, mint a token
 * ({@code gp_<id>_<secret>}: the secret shown once, its SHA-256 kept), revoke one. Pure but for
 * the random source of new tokens.
 */
public final class PreviewRules {

  /** Every preview token starts with this (an API key with {@code gk_}, a JWT with {@code eyJ}). */
  public static final String PREFIX = "gp_";

  /** A token's lifetime when none is asked. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** The longest lifetime a preview token may have. */
  public static final Duration MAX_TTL = Duration.ofDays(30);

  private final SecureRandom random = new SecureRandom();

  /** A new token and the state that keeps its hash. */
  public record Minted(String token, Preview.Token stored, FleetState state) {}

  /** Exposes {@code port} of sandbox {@code id}, or changes whether it is public (its tokens kept). */
  public FleetState expose(FleetState state, WorkloadId id, int port, boolean isPublic) {
    Workload sandbox = sandbox(state, id);
    List<Preview> previews = new ArrayList<>(sandbox.previews());
    Preview current = sandbox.preview(port);
    if (current != null) {
      previews.remove(current);
    }
    try {
      previews.add(current == null ? new Preview(port, isPublic, List.of()) : current.withPublic(isPublic));
      return with(state, sandbox.withPreviews(previews));
    } catch (IllegalArgumentException e) {
      throw new Refusal(Refusal.Kind.INVALID, e.getMessage());
    }
  }

  /** Stops exposing {@code port}; its tokens go with it. */
  public FleetState close(FleetState state, WorkloadId id, int port) {
    Workload sandbox = sandbox(state, id);
    Preview current = exposed(sandbox, port);
    List<Preview> previews = new ArrayList<>(sandbox.previews());
    previews.remove(current);
    return with(state, sandbox.withPreviews(previews));
  }

  /** Mints a token for {@code port}, valid for {@code ttl} (at most {@link #MAX_TTL}); expired tokens are dropped. */
  public Minted mint(FleetState state, WorkloadId id, int port, Duration ttl, Instant now) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new Refusal(Refusal.Kind.INVALID, "ttl " + ttl + " (expected: more than 0, at most 30 days)");
    }
    Workload sandbox = sandbox(state, id);
    Preview current = exposed(sandbox, port);
    String tokenId = ApiKeyMint.newId(random);
    String secret = ApiKeyMint.newSecret(random);
    Preview.Token stored = new Preview.Token(tokenId, ApiKeyMint.sha256Hex(secret), now, now.plus(ttl), false);
    // Expired and revoked tokens make room: each opens nothing any more (a revoked one is then
    // refused as unknown rather than revoked).
    List<Preview.Token> tokens = new ArrayList<>(current.tokens().stream()
        .filter(t -> t.expiresAt().isAfter(now) && !t.revoked()).toList());
    tokens.add(stored);
    try {
      return new Minted(PREFIX + tokenId + "_" + secret, stored, with(state, replaced(sandbox, current.withTokens(tokens))));
    } catch (IllegalArgumentException e) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, e.getMessage());
    }
  }

  /** Revokes token {@code tokenId} of any port of the sandbox; revoking it again changes nothing. */
  public FleetState revoke(FleetState state, WorkloadId id, String tokenId) {
    Workload sandbox = sandbox(state, id);
    for (Preview preview : sandbox.previews()) {
      List<Preview.Token> tokens = new ArrayList<>(preview.tokens());
      for (int i = 0; i < tokens.size(); i++) {
        if (tokens.get(i).id().equals(tokenId)) {
          tokens.set(i, tokens.get(i).revoke());
          return with(state, replaced(sandbox, preview.withTokens(tokens)));
        }
      }
    }
    throw new Refusal(Refusal.Kind.NOT_FOUND, "sandbox '" + id + "' has no preview token '" + tokenId + "'");
  }

  private static Workload sandbox(FleetState state, WorkloadId id) {
    Workload workload = state.workloads().get(id);
    if (workload == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "workload '" + id + "' does not exist");
    }
    if (id.product() != dev.gantry.routing.Product.SANDBOX) {
      throw new Refusal(Refusal.Kind.INVALID, "workload '" + id + "' is not a sandbox (expected: sbx-<name>-<workspace>)");
    }
    return workload;
  }

  private static Preview exposed(Workload sandbox, int port) {
    Preview preview = sandbox.preview(port);
    if (preview == null) {
      throw new Refusal(Refusal.Kind.NOT_FOUND, "sandbox '" + sandbox.id() + "' does not expose port " + port
          + " (exposed: " + sandbox.previews().stream().map(Preview::port).toList() + ")");
    }
    return preview;
  }

  private static Workload replaced(Workload sandbox, Preview preview) {
    List<Preview> previews = new ArrayList<>(sandbox.previews());
    previews.removeIf(p -> p.port() == preview.port());
    previews.add(preview);
    return sandbox.withPreviews(previews);
  }

  private static FleetState with(FleetState state, Workload workload) {
    return state.withWorkload(workload);
  }
}
