package dev.gantry.controlplane.xds;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Groups Envoys by the region of their gateway, read from the bootstrap's node locality: all
 * gateways of one region receive the same resources.
 */
public final class RegionNodeGroup implements NodeGroup<String> {

  @Override
  public String hash(Node node) {
    return node.getLocality().getRegion();
  }
}
