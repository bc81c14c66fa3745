package dev.gantry.authz.engine;

import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.HostnameGrammar;
import dev.gantry.routing.ParsedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides one request: hostname → workload → target region set → credential → {@link
 * Decision}. Pure: reads only the snapshot it is given and the request, never blocks, and
 * touches no transport type.
 *
 * <p>Statuses (also in README "Errors"): 400 for a hostname the grammar refuses; 404 for an
 * unknown location label ({@code unknown-location}) or workload ({@code unknown-workload}); 421
 * when the workload exists but is not deployed where the hostname points ({@code
 * not-deployed-in-location}); 401 for a workload that needs credentials when none is given.
 */
public final class DecisionEngine {

  private final String localRegion;

  /** @param localRegion the region whose gateway this sidecar serves */
  public DecisionEngine(String localRegion) {
    this.localRegion = localRegion;
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
    if (!workload.isPublic()) {
      return new Decision.Deny(
          401,
          "credentials-required",
          "workload '" + workload.id() + "' is private (expected: a credential of its workspace)",
          Map.of("www-authenticate", "Bearer realm=\"gantry\""));
    }
    String cluster = ClusterNames.workload(workload.id(), localRegion);
    Map<String, String> identity =
        Map.of(
            GatewayHeaders.CLUSTER, cluster,
            GatewayHeaders.WORKLOAD, workload.id().toString(),
            GatewayHeaders.SUBJECT, "anonymous",
            GatewayHeaders.CREDENTIAL_KIND, "none",
            GatewayHeaders.REGION, localRegion);
    return new Decision.Allow(cluster, identity, clientGatewayHeaders(request.headers(), identity));
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
   * Client-sent headers in the gateway's namespace. Envoy already strips the known ones; any
   * other is removed here so nothing a client sets under that prefix reaches a workload.
   */
  private static List<String> clientGatewayHeaders(
      Map<String, String> headers, Map<String, String> replacedAnyway) {
    List<String> found = null;
    for (String name : headers.keySet()) {
      if (name.startsWith(GatewayHeaders.PREFIX) && !replacedAnyway.containsKey(name)) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(name);
      }
    }
    return found == null ? List.of() : found;
  }
}
