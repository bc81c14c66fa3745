package dev.gantry.authz.engine;

import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.GatewayListeners;
import dev.gantry.routing.TargetRegions;
import dev.gantry.routing.WorkloadId;
import java.util.SortedSet;
import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.Authentication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.gantry.authz.credential.BearerCredential;
import dev.gantry.authz.credential.CredentialHeaders;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.Principal;
import dev.gantry.authz.usage.QuotaBlocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides one request: hostname → workload → target region set → credential → {@link
 * Decision}. Pure: reads only the snapshot it is given and the request, never blocks, and
 * touches no transport type.
 *
 * <p>Statuses (also in README "Answers a client can get"): 400 for a hostname the grammar
 * refuses; 404 for an unknown location label ({@code unknown-location}). A private or unknown
 * workload's caller is checked next ({@link Admission}: 401 with {@code WWW-Authenticate} when
 * the credential is missing or invalid, 403 when it acts for another workspace or lacks the
 * product's scope), so only a caller of the workspace learns that a workload does not exist
 * (404 {@code unknown-workload}) or where it runs; 421 when the workload is not deployed where
 * the hostname points ({@code not-deployed-in-location}); 403 when it is deployed there but its
 * location policy forbids serving it from there ({@code location-not-allowed}); 508 {@code
 * forwarding-loop} when the request already passed this gateway; 502 {@code forwarding-refused}
 * when a peer forwarded a request this region may not serve.
 *
 * <p>Routing (docs/architecture.md, "The request path"): the target region set is deployed ∩
 * allowed ∩ named. The local region in it: the request is admitted here and sent to the set's
 * cluster (local replicas first, the other target regions' gateways as failover). Not in it:
 * sent to the set's cluster of gateways, nearest first — a public workload's request as it came,
 * a private workload's with the identity admitted here. On the internal listener (a peer
 * forwarded it): served locally or refused, never forwarded again.
 *
 * <p>On allow the workload receives identity headers, never the raw credential: the
 * {@code Authorization} header is removed.
 */
public final class DecisionEngine {

  /**
   * Envoy's router header that bounds the upstream stream of this one request: set on allow to
   * the credential's remaining lifetime, so no stream outlives its credential. (Envoy strips it
   * from clients' requests before any filter runs; only the authz answer sets it.)
   */
  static final String STREAM_DURATION = "x-envoy-upstream-stream-duration-ms";

  /** No credential's lifetime bounds a stream further ahead than this (the workload's own limit still applies). */
  static final long MAX_STREAM_SECONDS = 366L * 86_400;

  private final String localRegion;
  private final String viaToken;
  private final Admission admission;
  private final PreviewAccess previews;
  private final Clock clock;
  private final QuotaBlocks quotas;

  /**
   * @param localRegion the region whose gateway this sidecar serves
   * @param jwt verifies bearer tokens
   * @param apiKeys checks API keys
   * @param signatures checks signed requests
   * @param clock the time credentials expire against
   */
  public DecisionEngine(
      String localRegion, JwtAuthenticator jwt, ApiKeyAuthenticator apiKeys, MessageSignatures signatures, Clock clock) {
    this(localRegion, jwt, apiKeys, signatures, clock, new QuotaBlocks());
  }

  /**
   * As above, refusing metered workloads of the workspaces {@code quotas} names (429
   * quota-exceeded).
   */
  public DecisionEngine(
      String localRegion, JwtAuthenticator jwt, ApiKeyAuthenticator apiKeys, MessageSignatures signatures, Clock clock,
      QuotaBlocks quotas) {
    this.quotas = quotas;
    this.localRegion = localRegion;
    this.viaToken = GatewayListeners.viaToken(localRegion);
    this.admission = new Admission(jwt, apiKeys, signatures);
    this.previews = new PreviewAccess(admission, clock);
    this.clock = clock;
  }

  /** An engine on the system clock. */
  public DecisionEngine(String localRegion, JwtAuthenticator jwt) {
    this(localRegion, jwt, new ApiKeyAuthenticator(Clock.systemUTC()), new MessageSignatures(Clock.systemUTC()),
        Clock.systemUTC());
  }

  /** Decides {@code request} against {@code snapshot}. */
  public Decision decide(AuthzSnapshot snapshot, RequestFacts request) {
    Addressing.Result addressing = Addressing.resolve(snapshot, request);
    if (addressing instanceof Addressing.Refused refused) {
      return refused.deny();
    }
    boolean fromClient = request.listener() == RequestFacts.Listener.PUBLIC;
    if (fromClient && McpResource.asksForMetadata(request)) {
      // A private MCP server's protected resource metadata is the gateway's to serve; the same
      // document whether the server exists or not. A public one's is the server's own business.
      if (addressing instanceof Addressing.Unknown unknown && McpResource.isMcp(unknown.id())) {
        return McpResource.metadata(unknown.id(), request, snapshot);
      }
      if (addressing instanceof Addressing.Addressed addressed && !addressed.workload().isPublic()
          && McpResource.isMcp(addressed.workload().id()) && addressed.canonicalHost() == null) {
        // As the request names it: an alias stays the alias (a stranger learns nothing of what it stands for).
        return McpResource.metadata(addressed.named(), request, snapshot);
      }
    }
    if (addressing instanceof Addressing.Unknown unknown) {
      // To a client, a workload that does not exist looks private: only a caller that proves it
      // acts for the workspace learns that it does not exist (no enumeration of workloads).
      if (fromClient && unknown.previewPort() != 0) {
        // Without a sandbox, the check can only refuse (or say, to its workspace, that it does not exist).
        if (previews.check(null, unknown.id(), unknown.previewPort(), request, snapshot) instanceof PreviewAccess.Refused refused) {
          return refused.deny();
        }
      } else if (fromClient && admission.check(unknown.id(), unknown.id(), request, snapshot) instanceof Admission.Refused refused) {
        return refused.deny();
      }
      return unknown.deny();
    }
    Addressing.Addressed address = (Addressing.Addressed) addressing;
    WorkloadEntry workload = address.workload();
    // A private workload's placement (where it runs, its policies) is told only to its own callers.
    Principal principal = null;
    int port = address.previewPort();
    if (fromClient && port == 0 && workload.isPublic() && request.headers().get(BearerCredential.AUTHORIZATION) != null
        && BearerCredential.from(request.headers()) instanceof BearerCredential.Preview) {
      // A public workload would serve it (or, asking for credentials, even receive it): a preview
      // token opens its preview URL and nothing else. (A private one's admission refuses it.)
      return new Decision.Deny(401, "preview-token-not-accepted",
          "a preview token opens one port of a sandbox by its preview URL, nothing else",
          Map.of("www-authenticate", "Bearer realm=\"gantry\""));
    }
    if (fromClient && port != 0) {
      switch (previews.check(workload, address.named(), port, request, snapshot)) {
        case PreviewAccess.Refused refused -> {
          return refused.deny();
        }
        case PreviewAccess.Redirect redirect -> {
          return redirect.answer();
        }
        case PreviewAccess.Admitted admitted -> principal = admitted.principal();
      }
    } else if (fromClient && !workload.isPublic()) {
      switch (admission.check(workload.id(), address.named(), request, snapshot)) {
        case Admission.Refused refused -> {
          return refused.deny();
        }
        case Admission.Admitted admitted -> principal = admitted.principal();
      }
    }
    Set<String> named = snapshot.catalog().regionsNamedBy(address.location());
    if (HeaderRules.seenBefore(request.headers().get("via"), viaToken)) {
      return new Decision.Deny(
          508, "forwarding-loop",
          "the request already passed this gateway (" + localRegion + "); check the region catalog's gateway addresses");
    }
    if (workload.regions().stream().noneMatch(named::contains)) {
      return new Decision.Deny(
          421,
          "not-deployed-in-location",
          "workload '" + workload.id() + "' is not deployed in "
              + (address.isGlobal() ? "any region" : "'" + address.location() + "'")
              + " (deployed in: " + workload.regions().stream().sorted().toList() + ")");
    }
    SortedSet<String> targets = TargetRegions.of(workload.regions(), workload.allowedRegions(), named);
    if (targets.isEmpty()) {
      return new Decision.Deny(
          403,
          "location-not-allowed",
          "workload '" + workload.id() + "' may not be served from "
              + (address.isGlobal() ? "any region it is deployed in" : "'" + address.location() + "'")
              + " (location policy: " + workload.policy() + ")");
    }
    Decision.Deny overBudget = overBudget(workload, port, request);
    if (overBudget != null) {
      return overBudget;
    }
    Decision decision;
    if (request.listener() == RequestFacts.Listener.INTERNAL) {
      decision = forwardedHere(workload, address, targets, request, snapshot);
    } else if ((port == 0 ? workload.isPublic() : principal == null) && !targets.contains(localRegion)) {
      decision = forward(workload, port, targets, request);
    } else {
      // Served here, or forwarded with the identity admitted here (a private workload's caller):
      // the peer trusts it. Anonymous (principal null) for a public workload or preview port.
      decision = allow(workload, port, cluster(workload.id(), port, targets), request, principal,
          !targets.contains(localRegion));
    }
    return address.canonicalHost() == null ? decision : withCanonicalHost(decision, address.canonicalHost());
  }

  /** A legacy URL: the route rewrites the Host to the workload's own name (and strips the path's prefix). */
  private static Decision withCanonicalHost(Decision decision, String canonicalHost) {
    if (decision instanceof Decision.Allow allow) {
      Map<String, String> headers = new HashMap<>(allow.headersToSet());
      headers.put(GatewayHeaders.CANONICAL_HOST, canonicalHost);
      return new Decision.Allow(allow.cluster(), headers, allow.headersToRemove(), allow.forwarded());
    }
    return decision;
  }

  /**
   * Authenticates and authorizes a request to be served from {@code cluster}: the local replicas
   * first, then (for a group or global hostname) the other target regions' gateways, which
   * trust the identity established here.
   */
  private Decision admit(
      WorkloadEntry workload, int port, WorkloadId named, String cluster, RequestFacts request, AuthzSnapshot snapshot) {
    if (port != 0) {
      return switch (previews.check(workload, named, port, request, snapshot)) {
        case PreviewAccess.Refused refused -> refused.deny();
        case PreviewAccess.Redirect redirect -> redirect.answer();
        case PreviewAccess.Admitted admitted -> allow(workload, port, cluster, request, admitted.principal(), false);
      };
    }
    if (workload.isPublic()) {
      return allow(workload, 0, cluster, request, null, false);
    }
    return switch (admission.check(workload.id(), workload.id(), request, snapshot)) {
      case Admission.Refused refused -> refused.deny();
      case Admission.Admitted admitted -> allow(workload, 0, cluster, request, admitted.principal(), false);
    };
  }


  /**
   * The local region is not a target: the request goes on, untouched but for the routing
   * headers, to the nearest healthy target region's gateway, which authenticates it.
   */
  private Decision forward(WorkloadEntry workload, int port, SortedSet<String> targets, RequestFacts request) {
    String cluster = cluster(workload.id(), port, targets);
    Map<String, String> routing = new HashMap<>(4);
    routing.put(GatewayHeaders.CLUSTER, cluster);
    routing.put(GatewayHeaders.ENTERED_AT, localRegion);
    keyedForAffinity(routing, workload, request);
    metered(routing, workload, port, request, null);
    return new Decision.Allow(cluster, routing, HeaderRules.toRemove(request.headers(), routing, true), true);
  }

  /**
   * A peer gateway forwarded this request to the internal listener: serve it from the local
   * replicas or refuse it, never forward it again. A peer that admitted it already (its identity
   * headers are present) is trusted; otherwise the credential is checked here.
   */
  private Decision forwardedHere(
      WorkloadEntry workload, Addressing.Addressed address, SortedSet<String> targets, RequestFacts request,
      AuthzSnapshot snapshot) {
    if (!targets.contains(localRegion)) {
      return new Decision.Deny(
          502, "forwarding-refused",
          "gateway " + localRegion + " received a forwarded request for '" + workload.id() + "' ("
              + (address.isGlobal() ? "global" : address.location()) + ") but may not serve it (targets: " + targets
              + "); a forwarded request is never forwarded again");
    }
    int port = address.previewPort();
    String cluster = port == 0 ? ClusterNames.workload(workload.id(), localRegion)
        : ClusterNames.preview(workload.id(), port, localRegion);
    String kind = request.headers().get(GatewayHeaders.CREDENTIAL_KIND);
    if (kind == null) {
      return admit(workload, port, address.named(), cluster, request, snapshot);
    }
    String workspace = request.headers().get(GatewayHeaders.WORKSPACE);
    if ((!workload.isPublic() || port != 0) && !workload.id().workspace().equals(workspace)) {
      // The peer's view of this workload differs from ours (a write in flight): check again.
      return admit(workload, port, address.named(), cluster, request, snapshot);
    }
    Map<String, String> identity = new HashMap<>(12);
    for (String name : List.of(GatewayHeaders.WORKSPACE, GatewayHeaders.SUBJECT, GatewayHeaders.CREDENTIAL_KIND,
        GatewayHeaders.CREDENTIAL_ID, GatewayHeaders.CREDENTIAL_EXPIRES, GatewayHeaders.ENTERED_AT)) {
      String value = request.headers().get(name);
      if (value != null) {
        identity.put(name, value);
      }
    }
    routedTo(identity, workload, cluster);
    keyedForAffinity(identity, workload, request);
    String expires = identity.get(GatewayHeaders.CREDENTIAL_EXPIRES);
    if (expires != null) {
      long seconds;
      try {
        seconds = Long.parseLong(expires);
      } catch (NumberFormatException e) {
        return new Decision.Deny(400, "malformed-forwarding", "a peer gateway sent credential expiry '" + expires + "'");
      }
      Decision.Deny expired = boundStream(identity, Instant.ofEpochSecond(
          Math.max(0, Math.min(seconds, clock.instant().getEpochSecond() + MAX_STREAM_SECONDS))));
      if (expired != null) {
        return expired;
      }
    }
    return new Decision.Allow(cluster, identity, removed(request, identity, workload, port));
  }

  /** The cluster serving {@code id} (or its preview {@code port}, when not 0) from {@code targets}. */
  private static String cluster(WorkloadId id, int port, SortedSet<String> targets) {
    return port == 0 ? ClusterNames.workload(id, targets) : ClusterNames.preview(id, port, targets);
  }

  /**
   * The request headers to remove before the workload: client-sent gateway headers, and the
   * credential unless the workload asked for it. A preview port never gets a credential, and its
   * preview cookie is taken out of {@code Cookie} (set in {@code headers}, or removed when nothing
   * else is left).
   */
  private static List<String> removed(RequestFacts request, Map<String, String> headers, WorkloadEntry workload, int port) {
    List<String> removed = HeaderRules.toRemove(request.headers(), headers, port == 0 && passesCredential(workload));
    if (port == 0) {
      return removed;
    }
    String cookie = request.headers().get("cookie");
    String kept = PreviewAccess.cookieWithout(cookie);
    if (kept != null && !kept.equals(cookie)) {
      headers.put("cookie", kept);
    } else if (kept == null && cookie != null) {
      List<String> more = new java.util.ArrayList<>(removed);
      more.add("cookie");
      return more;
    }
    return removed;
  }

  /**
   * Bounds the request's upstream stream by the credential's remaining lifetime; a credential
   * that has run out by now is refused.
   */
  private Decision.Deny boundStream(Map<String, String> headers, Instant expiresAt) {
    Duration left = Duration.between(clock.instant(), expiresAt);
    long remaining = left.compareTo(Duration.ofSeconds(MAX_STREAM_SECONDS)) > 0 ? MAX_STREAM_SECONDS * 1000 : left.toMillis();
    if (remaining <= 0) {
      return new Decision.Deny(401, "credential-expired", "the credential expired at " + expiresAt,
          Map.of("www-authenticate", "Bearer realm=\"gantry\", error=\"invalid_token\""));
    }
    headers.put(STREAM_DURATION, Long.toString(remaining));
    return null;
  }


  /**
   * Admits to {@code cluster}; {@code principal} null for anonymous callers of a public workload;
   * {@code forwarded} when the cluster's hosts here are only peer gateways.
   */
  private Decision allow(
      WorkloadEntry workload, int port, String cluster, RequestFacts request, Principal principal, boolean forwarded) {
    Map<String, String> identity = new HashMap<>(12);
    routedTo(identity, workload, cluster);
    keyedForAffinity(identity, workload, request);
    identity.put(GatewayHeaders.ENTERED_AT,
        request.listener() == RequestFacts.Listener.INTERNAL
            ? request.headers().getOrDefault(GatewayHeaders.ENTERED_AT, localRegion)
            : localRegion);
    if (principal == null) {
      identity.put(GatewayHeaders.SUBJECT, "anonymous");
      identity.put(GatewayHeaders.CREDENTIAL_KIND, "none");
    } else {
      identity.put(GatewayHeaders.WORKSPACE, principal.workspace());
      identity.put(GatewayHeaders.SUBJECT, principal.subject());
      identity.put(GatewayHeaders.CREDENTIAL_KIND, principal.kind());
      identity.put(GatewayHeaders.CREDENTIAL_ID, principal.credentialId());
      if (principal.expiresAt() != null) {
        identity.put(GatewayHeaders.CREDENTIAL_EXPIRES, Long.toString(principal.expiresAt().getEpochSecond()));
        Decision.Deny expired = boundStream(identity, principal.expiresAt());
        if (expired != null) {
          return expired;
        }
      }
    }
    metered(identity, workload, port, request, principal);
    return new Decision.Allow(cluster, identity, removed(request, identity, workload, port), forwarded);
  }

  /**
   * A metered workload's request, where the client entered, while its workspace is over a quota:
   * 429 with {@code Retry-After} (the seconds to the quota window's end). Streams already running
   * go on; a forwarded request was checked where it entered.
   */
  private Decision.Deny overBudget(WorkloadEntry workload, int port, RequestFacts request) {
    if (workload.metering() == null || port != 0 || request.listener() != RequestFacts.Listener.PUBLIC) {
      return null;
    }
    Instant now = clock.instant();
    QuotaBlocks.Block block = quotas.of(workload.id().workspace(), now);
    if (block == null) {
      return null;
    }
    long wait = Math.max(1, Duration.between(now, block.until()).toSeconds() + (now.getNano() > 0 ? 1 : 0));
    return new Decision.Deny(429, "quota-exceeded", "workspace '" + workload.id().workspace() + "' used its budget ("
        + block.quota() + "); served again from " + block.until(), Map.of("retry-after", Long.toString(wait)));
  }

  /**
   * Marks a metered workload's request where the client entered (never a preview port's, never
   * again at the gateway it is forwarded to): the route for {@link GatewayHeaders#METER} has
   * Envoy observe the response, whichever region serves it, so it is counted once.
   */
  private static void metered(
      Map<String, String> headers, WorkloadEntry workload, int port, RequestFacts request, Principal principal) {
    if (workload.metering() != null && port == 0 && request.listener() == RequestFacts.Listener.PUBLIC) {
      headers.put(GatewayHeaders.METER, workload.id() + ";" + (principal == null ? "anonymous" : principal.credentialId()));
    }
  }

  /**
   * Whether the workload gets the raw credential: when it asked for it, unless it is a private
   * MCP server, whose tokens the gateway checked for it. MCP forbids token passthrough: a token
   * is minted for one resource, and a server handed it could replay it against any other service
   * that trusts the issuer (the confused deputy). A private MCP server gets identity headers
   * only; a public one does its own authorization and may ask for the credential it checks.
   */
  private static boolean passesCredential(WorkloadEntry workload) {
    return workload.forwardCredential() && (workload.isPublic() || !McpResource.isMcp(workload.id()));
  }

  /** The affinity key, for a workload that asked for affinity and a request that carries one. */
  private static void keyedForAffinity(Map<String, String> headers, WorkloadEntry workload, RequestFacts request) {
    String key = AffinityKeys.of(workload.affinity(), request.headers());
    if (key != null) {
      headers.put(GatewayHeaders.AFFINITY, key);
    }
  }

  /** The headers every admitted request carries: its cluster, the workload, this region, and the workload's own. */
  private void routedTo(Map<String, String> identity, WorkloadEntry workload, String cluster) {
    identity.put(GatewayHeaders.CLUSTER, cluster);
    identity.put(GatewayHeaders.WORKLOAD, workload.id().toString());
    identity.put(GatewayHeaders.REGION, localRegion);
    identity.putAll(workload.headers());
  }
}
