package dev.gantry.routing;

/**
 * What a gateway's two listeners tell its authz-service, so the control plane that configures
 * them and the authz-service that reads them agree.
 *
 * <ul>
 *   <li>The <b>public</b> listener takes clients. Every {@code x-gantry-*} header a client sends
 *       is stripped; the authz-service decides from the hostname and the credential.
 *   <li>The <b>internal</b> listener takes requests peer gateways forward. It is the only place
 *       that trusts the routing and identity headers a peer set, and it never forwards again.
 * </ul>
 *
 * Each listener's route table tells the authz-service which one it is, in the Check's context
 * extensions (set by the gateway's config, never by a client). Each gateway adds its own token to
 * {@code Via}, so a request that reaches a gateway twice is recognised whatever the config.
 */
public final class GatewayListeners {

  /** The context extension naming the listener. */
  public static final String CONTEXT_KEY = "gantry-listener";

  public static final String PUBLIC = "public";

  public static final String INTERNAL = "internal";

  private GatewayListeners() {}

  /** The token the gateway of {@code region} appends to {@code Via}. */
  public static String viaToken(String region) {
    return "gantry-" + region;
  }
}
