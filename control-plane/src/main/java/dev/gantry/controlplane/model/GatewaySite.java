package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.SidecarAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a region's gateway and its sidecar listen.
 *
 * @param region the region id
 * @param gateway the public plaintext listener, or null for none
 * @param https the public HTTPS listener, or null for none
 * @param internal the listener peer gateways forward to; the only one that trusts the routing
 *     and identity headers a peer sets (mutual TLS)
 * @param authz where the gateway's Envoy reaches its local authz-service (a Unix socket by default)
 * @param plaintext what the plaintext listener does
 */
public record GatewaySite(
    String region, HostPort gateway, HostPort https, HostPort internal, SidecarAddress authz, Plaintext plaintext) {

  /** What a gateway's plaintext listener does with a request. */
  public enum Plaintext {
    /** Serves it like the HTTPS listener: the local stack, where curl needs no certificate. */
    SERVE,
    /** Answers 308 with the same URL on the HTTPS listener, path and query unchanged. */
    REDIRECT
  }

  public GatewaySite {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(internal, "internal");
    Objects.requireNonNull(plaintext, "plaintext");
    if (gateway == null && https == null) {
      throw new IllegalArgumentException("region '" + region + "' has no public listener (expected: gateway, https or both)");
    }
    if (plaintext == Plaintext.REDIRECT && https == null) {
      throw new IllegalArgumentException("region '" + region + "' redirects plaintext to HTTPS but has no https listener");
    }
  }

  /** A plaintext-only site: what tests that need no HTTPS use. */
  public GatewaySite(String region, HostPort gateway, HostPort internal, SidecarAddress authz) {
    this(region, gateway, null, internal, authz, Plaintext.SERVE);
  }

  /**
   * The gateway's listeners, by the catalog key that names each: unique across the fleet. (The
   * authz address is not one of them: every gateway reaches its own sidecar on its own host.)
   */
  public Map<String, HostPort> listeners() {
    Map<String, HostPort> listeners = new LinkedHashMap<>();
    if (gateway != null) {
      listeners.put("gateway", gateway);
    }
    if (https != null) {
      listeners.put("https", https);
    }
    listeners.put("internal", internal);
    return listeners;
  }
}
