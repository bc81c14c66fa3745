package dev.gantry.controlplane.xds;

import com.google.protobuf.Duration;
import dev.gantry.routing.HostPort;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;

/** Small Envoy values every translator uses. */
final class EnvoyValues {

  private EnvoyValues() {}

  /** Resources of this type come over the same ADS stream. */
  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  static Address address(HostPort hostPort) {
    return Address.newBuilder()
        .setSocketAddress(
            SocketAddress.newBuilder().setAddress(hostPort.host()).setPortValue(hostPort.port()))
        .build();
  }

  static Duration millis(long millis) {
    return Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
