package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.SidecarAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a region's gateway and its sidecar listen.
 *
 * @param region the region id
 * @param gateway the public listener clients reach
 * @param internal the listener peer gateways forward to; the only one that trusts the routing
 *     and identity headers a peer sets (mTLS in production, a separate loopback port locally)
 * @param authz where the gateway's Envoy reaches its local authz-service (a Unix socket by default)
 */
public record GatewaySite(String region, HostPort gateway, HostPort internal, SidecarAddress authz) {

  /**
   * The gateway's listeners, by the catalog key that names each: unique across the fleet. (The
   * authz address is not one of them: every gateway reaches its own sidecar on its own host.)
   */
  public Map<String, HostPort> listeners() {
    Map<String, HostPort> listeners = new LinkedHashMap<>();
    listeners.put("gateway", gateway);
    listeners.put("internal", internal);
    return listeners;
  }
}
