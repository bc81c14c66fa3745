package dev.gantry.controlplane.admin;

import com.google.common.net.InetAddresses;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.routing.WorkloadId;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What the admin API adds to the fleet codec: refusals for malformed input, the admission rules
 * only the API has (replicas by IP), and the derived fields its answers carry.
 */
final class AdminMessages {

  private AdminMessages() {}

  /** Runs a decoding; a message that makes no valid record is refused as INVALID_ARGUMENT. */
  static <T> T decode(Supplier<T> decoding) {
    try {
      return decoding.get();
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid(e.getMessage());
    }
  }

  static WorkloadId workloadId(String raw) {
    return decode(() -> WorkloadId.parse(raw));
  }

  /** A replica a caller names: its address must be an IP (gateways reach replicas by IP). */
  static Replica replica(dev.gantry.proto.fleet.v1.Replica message) {
    Replica replica = decode(() -> FleetCodec.replica(message));
    if (!InetAddresses.isInetAddress(replica.address().host())) {
      throw AdminStatus.invalid("address '" + message.getAddress() + "' (expected: an IP address and port, e.g. 10.0.0.7:8080;"
          + " gateways reach replicas by IP, not by name)");
    }
    return replica;
  }

  /** A workload as the admin API shows it: its preview tokens without their hashes. */
  static dev.gantry.proto.fleet.v1.Workload withoutSecrets(dev.gantry.proto.fleet.v1.Workload workload) {
    if (workload.getPreviewsCount() == 0) {
      return workload;
    }
    dev.gantry.proto.fleet.v1.Workload.Builder shown = workload.toBuilder();
    for (dev.gantry.proto.fleet.v1.Preview.Builder preview : shown.getPreviewsBuilderList()) {
      preview.getTokensBuilderList().forEach(dev.gantry.proto.fleet.v1.PreviewToken.Builder::clearSecretSha256);
    }
    return shown.build();
  }

  static WorkloadInfo workload(Topology topology, FleetState state, Workload workload) {
    Map<String, Integer> replicas = new TreeMap<>();
    state.replicas().stream()
        .filter(r -> r.workload().equals(workload.id()))
        .forEach(r -> replicas.merge(r.region(), 1, Integer::sum));
    WorkloadInfo.Builder info = WorkloadInfo.newBuilder()
        .setWorkload(withoutSecrets(FleetCodec.workload(workload)))
        .addAllAllowedRegions(state.allowedRegions(topology.catalog(), workload))
        .setVersion(state.version());
    replicas.forEach(info::putReplicas);
    return info.build();
  }
}
