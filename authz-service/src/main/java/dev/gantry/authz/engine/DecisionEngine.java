package dev.gantry.authz.engine;

import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.HostnameGrammar;
import dev.gantry.routing.ParsedHost;
import dev.gantry.authz.credential.Authentication;
import dev.gantry.authz.credential.BearerCredential;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.Principal;
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
 * refuses; 404 for an unknown location label ({@code unknown-location}) or workload ({@code
 * unknown-workload}); 421 when the workload exists but is not deployed where the hostname
 * points ({@code not-deployed-in-location}); for a private workload, 401 with {@code
 * WWW-Authenticate} when the credential is missing or invalid, 403 when it is valid but may not
 * do this (another workspace's, or without the product's scope).
 *
 * <p>On allow the workload receives identity headers, never the raw credential: the
 * {@code Authorization} header is removed.
 */
public final class DecisionEngine {

  private final String localRegion;
  private final JwtAuthenticator jwt;

  /**
   * @param localRegion the region whose gateway this sidecar serves
   * @param jwt verifies bearer tokens
   */
  public DecisionEngine(String localRegion, JwtAuthenticator jwt) {
    this.localRegion = localRegion;
    this.jwt = jwt;
  }

  /** Decides {@code request} against {@code snapshot}. */
  public Decision decide(AuthzSnapshot snapshot, RequestFacts request) {
    HostnameGrammar.Result parsed = snapshot.grammar().parse(request.authority());
    if (parsed instanceof HostnameGrammar.Rejected rejected) {
      return new Decision.Deny(400, rejected.reason().code(), rejected.message());
    }
    ParsedHost host = (ParsedHost) parsed;
    Set<String> named = snapshot.catalog().regionsNamedBy(host.location());
    if (named == null) {
      return new Decision.Deny(
          404,
          "unknown-location",
          "location '" + host.location() + "' (expected: a region id or group: "
              + snapshot.catalog().regions().keySet() + " or " + snapshot.catalog().groups().keySet() + ")");
    }
    WorkloadEntry workload = snapshot.workloads().get(host.workload());
    if (workload == null) {
      return new Decision.Deny(
          404, "unknown-workload", "workload '" + host.workload() + "' does not exist");
    }
    if (!workload.regions().contains(localRegion) || !named.contains(localRegion)) {
      return outsideLocalRegion(workload, host, named);
    }
    if (workload.isPublic()) {
      return allow(workload, request, null);
    }
    return switch (BearerCredential.from(request.headers())) {
      case BearerCredential.Absent absent -> new Decision.Deny(
          401,
          "credentials-required",
          "workload '" + workload.id() + "' is private (expected: Authorization: Bearer <token of workspace '"
              + workload.id().workspace() + "'>)",
          Map.of("www-authenticate", "Bearer realm=\"gantry\""));
      case BearerCredential.Unusable unusable -> invalid(unusable.reason(), unusable.message());
      case BearerCredential.Token token -> authorize(
          workload, request, jwt.authenticate(token.token(), workload.id().workspace(), snapshot.workspaces()));
    };
  }

  private Decision authorize(WorkloadEntry workload, RequestFacts request, Authentication authentication) {
    if (authentication instanceof Authentication.Refused refused) {
      return invalid(refused.reason(), refused.message());
    }
    Principal principal = ((Authentication.Authenticated) authentication).principal();
    if (!principal.workspace().equals(workload.id().workspace())) {
      return new Decision.Deny(
          403, "wrong-workspace",
          "the credential acts for workspace '" + principal.workspace() + "', not for workload '" + workload.id() + "'");
    }
    String scope = Permissions.requiredScope(workload.id().product());
    if (!principal.scopes().contains(scope)) {
      return new Decision.Deny(
          403, "insufficient-scope", "the credential lacks scope '" + scope + "' for workload '" + workload.id() + "'",
          Map.of("www-authenticate", "Bearer realm=\"gantry\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }
    return allow(workload, request, principal);
  }

  private static Decision.Deny invalid(String reason, String message) {
    return new Decision.Deny(
        401, reason, message, Map.of("www-authenticate", "Bearer realm=\"gantry\", error=\"invalid_token\""));
  }

  /** Admits to the local replicas; {@code principal} null for anonymous callers of a public workload. */
  private Decision allow(WorkloadEntry workload, RequestFacts request, Principal principal) {
    String cluster = ClusterNames.workload(workload.id(), localRegion);
    Map<String, String> identity = new HashMap<>(8);
    identity.put(GatewayHeaders.CLUSTER, cluster);
    identity.put(GatewayHeaders.WORKLOAD, workload.id().toString());
    identity.put(GatewayHeaders.REGION, localRegion);
    if (principal == null) {
      identity.put(GatewayHeaders.SUBJECT, "anonymous");
      identity.put(GatewayHeaders.CREDENTIAL_KIND, "none");
    } else {
      identity.put(GatewayHeaders.WORKSPACE, principal.workspace());
      identity.put(GatewayHeaders.SUBJECT, principal.subject());
      identity.put(GatewayHeaders.CREDENTIAL_KIND, principal.kind());
      identity.put(GatewayHeaders.CREDENTIAL_ID, principal.credentialId());
    }
    return new Decision.Allow(cluster, identity, headersToRemove(request.headers(), identity));
  }

  private Decision outsideLocalRegion(WorkloadEntry workload, ParsedHost host, Set<String> named) {
    boolean anyTarget = workload.regions().stream().anyMatch(named::contains);
    if (!anyTarget) {
      return new Decision.Deny(
          421,
          "not-deployed-in-location",
          "workload '" + workload.id() + "' is not deployed in "
              + (host.isGlobal() ? "any region" : "'" + host.location() + "'")
              + " (deployed in: " + workload.regions().stream().sorted().toList() + ")");
    }
    // TODO(issue 3): forward to the cluster of the target regions' gateways. Undecided until
    // region-set clusters and the peer gateways' internal listeners exist. Not 503: the gateway
    // keeps that status for "authorization service unavailable".
    return new Decision.Deny(
        502,
        "region-forwarding-unavailable",
        "workload '" + workload.id() + "' is not served at this gateway (" + localRegion + ")");
  }

  /**
   * The raw credential, and client-sent headers in the gateway's namespace: Envoy already strips
   * the known ones; any other is removed here so nothing a client sets under that prefix reaches
   * a workload.
   */
  private static List<String> headersToRemove(Map<String, String> headers, Map<String, String> replacedAnyway) {
    List<String> found = null;
    for (String name : headers.keySet()) {
      if ((name.startsWith(GatewayHeaders.PREFIX) && !replacedAnyway.containsKey(name)) || name.equals("authorization")) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(name);
      }
    }
    return found == null ? List.of() : found;
  }
}
