package dev.gantry.routing;

import java.util.List;

/**
 * The headers a gateway adds to a request it admits, and nobody else may set. Clients never
 * set them: Envoy strips the known ones before any filter runs ({@code internal_only_headers})
 * and the authz-service removes any other {@value #PREFIX} header it sees.
 */
public final class GatewayHeaders {

  /** Every Gantry header starts with this. */
  public static final String PREFIX = "x-gantry-";

  /**
   * Forwarding headers the gateway owns: a client's would be read by workloads (and their
   * frameworks) as the gateway's word about where a request came from.
   */
  public static final java.util.Set<String> FORWARDING = java.util.Set.of(
      "x-real-ip", "forwarded", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "x-original-forwarded-for",
      "x-client-ip", "true-client-ip");

  /**
   * The one list of what a client may not send on to a workload: the gateway's namespace
   * ({@code x-gantry-*}), Envoy's ({@code x-envoy-*}: some steer Envoy itself, such as a stream's
   * duration) and {@link #FORWARDING}. The decision removes each, on every listener and route,
   * unless it sets the header itself; Envoy strips the {@code x-gantry-*} headers in {@link #ALL}
   * before any filter runs as well.
   */
  public static boolean clientMayNotSend(String lowerCaseName) {
    return lowerCaseName.startsWith(PREFIX) || lowerCaseName.startsWith("x-envoy-") || FORWARDING.contains(lowerCaseName);
  }

  /** The cluster Envoy's route sends the request to ({@code cluster_header}). */
  public static final String CLUSTER = "x-gantry-cluster";

  /** The workload the request was admitted to, e.g. {@code agt-echo-demo}. */
  public static final String WORKLOAD = "x-gantry-workload";

  /** The workspace of the credential that was presented; absent for anonymous callers. */
  public static final String WORKSPACE = "x-gantry-workspace";

  /** Who the caller is: a token's subject, a key id, or {@code anonymous}. */
  public static final String SUBJECT = "x-gantry-subject";

  /** What kind of credential admitted the request: {@code none}, {@code jwt}, ... */
  public static final String CREDENTIAL_KIND = "x-gantry-credential-kind";

  /** Which credential admitted the request: a token's {@code jti}, else its key id. */
  public static final String CREDENTIAL_ID = "x-gantry-credential-id";

  /**
   * When the credential that admitted the request stops being valid (epoch seconds); absent for
   * credentials without expiry. The gateway ends the stream then; a peer gateway serving a
   * forwarded request bounds it the same way.
   */
  public static final String CREDENTIAL_EXPIRES = "x-gantry-credential-expires";

  /** The region whose gateway admitted the request. */
  public static final String REGION = "x-gantry-region";

  /**
   * The region whose public gateway the client reached. Set on every admitted request; a peer
   * gateway's internal listener reads it to know the request was forwarded, and from where.
   */
  public static final String ENTERED_AT = "x-gantry-entered-at";

  /**
   * The workload's own hostname, for a request that came by a legacy URL: the legacy route
   * rewrites the Host to it (and strips the path's legacy prefix), so replicas and peer gateways
   * see an ordinary request for the workload.
   */
  public static final String CANONICAL_HOST = "x-gantry-canonical-host";

  /**
   * On a response: a peer gateway's internal listener answered without reaching a workload (no
   * healthy replica, its authz-service down). The forwarding gateway may retry the next region;
   * nothing was replayed that reached a workload. Never reaches clients.
   */
  public static final String NOT_SERVED = "x-gantry-not-served";

  /**
   * The affinity key of a workload that asked for one ({@link Affinity}): the value of the header
   * or cookie it named, set by the sidecar; the routes hash on it. It reaches the workload too:
   * Envoy applies a route's header removals before it hashes, and the value is the workload's
   * own header or cookie anyway.
   */
  public static final String AFFINITY = "x-gantry-affinity";

  /**
   * A metered request ({@link Metering}): set by the sidecar where the client entered, to {@code
   * <workload>;<credential id>} ({@code anonymous} without a credential). The gateway's route for
   * it has Envoy's ext_proc filter observe the response; the usage read is counted to that
   * workload's workspace and that credential. Never forwarded: the route removes it.
   */
  public static final String METER = "x-gantry-meter";

  /** Every header above, for Envoy's {@code internal_only_headers}. */
  public static final List<String> ALL =
      List.of(CLUSTER, WORKLOAD, WORKSPACE, SUBJECT, CREDENTIAL_KIND, CREDENTIAL_ID, CREDENTIAL_EXPIRES, REGION, ENTERED_AT,
          CANONICAL_HOST, AFFINITY, METER);

  private GatewayHeaders() {}
}
