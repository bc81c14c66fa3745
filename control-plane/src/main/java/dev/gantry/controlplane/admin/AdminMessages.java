package dev.gantry.controlplane.admin;

import com.google.common.net.InetAddresses;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.proto.admin.v1.LocationPolicy;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Converts between the admin API's messages and the model, refusing malformed input. */
final class AdminMessages {

  private AdminMessages() {}

  static WorkloadId workloadId(String raw) {
    try {
      return WorkloadId.parse(raw);
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid(e.getMessage());
    }
  }

  static Replica replica(String workload, String region, String address) {
    if (region.isEmpty()) {
      throw AdminStatus.invalid("region is missing (expected: a region id such as eu-lon-1)");
    }
    HostPort parsed;
    try {
      parsed = HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid(e.getMessage());
    }
    if (!InetAddresses.isInetAddress(parsed.host())) {
      throw AdminStatus.invalid("address '" + address + "' (expected: an IP address and port, e.g. 10.0.0.7:8080;"
          + " gateways reach replicas by IP, not by name)");
    }
    return new Replica(workloadId(workload), region, parsed);
  }

  static Protocol protocol(dev.gantry.proto.admin.v1.Protocol protocol) {
    return switch (protocol) {
      case PROTOCOL_UNSPECIFIED, PROTOCOL_HTTP1 -> Protocol.HTTP1;
      case PROTOCOL_HTTP2 -> Protocol.HTTP2;
      case UNRECOGNIZED -> throw AdminStatus.invalid("protocol (expected: http1 or http2)");
    };
  }

  static dev.gantry.routing.LocationPolicy policy(LocationPolicy policy) {
    return new dev.gantry.routing.LocationPolicy(
        new TreeSet<>(policy.getCountriesList()), new TreeSet<>(policy.getContinentsList()),
        new TreeSet<>(policy.getRegionsList()));
  }

  static LocationPolicy policy(dev.gantry.routing.LocationPolicy policy) {
    return LocationPolicy.newBuilder()
        .addAllCountries(new TreeSet<>(policy.countries()))
        .addAllContinents(new TreeSet<>(policy.continents()))
        .addAllRegions(new TreeSet<>(policy.regions()))
        .build();
  }

  static WorkloadInfo workload(Topology topology, FleetState state, Workload workload) {
    Map<String, Integer> replicas = new TreeMap<>();
    state.replicas().stream()
        .filter(r -> r.workload().equals(workload.id()))
        .forEach(r -> replicas.merge(r.region(), 1, Integer::sum));
    WorkloadInfo.Builder info = WorkloadInfo.newBuilder()
        .setId(workload.id().toString())
        .addAllRegions(workload.regions())
        .setPublic(workload.isPublic())
        .setProtocol(workload.protocol() == Protocol.HTTP2
            ? dev.gantry.proto.admin.v1.Protocol.PROTOCOL_HTTP2
            : dev.gantry.proto.admin.v1.Protocol.PROTOCOL_HTTP1)
        .setPolicy(policy(workload.policy()))
        .setForwardCredential(workload.forwardCredential())
        .addAllAllowedRegions(state.allowedRegions(topology.catalog(), workload))
        .setVersion(state.version());
    replicas.forEach(info::putReplicas);
    return info.build();
  }
}
