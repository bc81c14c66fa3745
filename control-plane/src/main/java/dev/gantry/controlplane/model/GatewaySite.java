package dev.gantry.controlplane.model;

import dev.gantry.routing.HostPort;

/**
 * Where a region's gateway and its sidecar listen.
 *
 * @param region the region id
 * @param gateway the public listener clients reach
 * @param internal the listener peer gateways forward to (not yet published: issue 3)
 * @param authz where the gateway's Envoy reaches its local authz-service
 */
public record GatewaySite(String region, HostPort gateway, HostPort internal, HostPort authz) {}
