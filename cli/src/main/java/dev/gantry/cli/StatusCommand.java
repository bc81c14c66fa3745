package dev.gantry.cli;

import dev.gantry.proto.admin.v1.EnvoyStatus;
import dev.gantry.proto.admin.v1.FleetStatus;
import dev.gantry.proto.admin.v1.GetStatusRequest;
import dev.gantry.proto.admin.v1.SidecarStatus;
import dev.gantry.proto.admin.v1.StatusServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Every Envoy and authz sidecar connected to the control plane, the version each acknowledged,"
        + " and every config one of them refused, with its reason.")
final class StatusCommand extends Admin implements Runnable {

  @Override
  public void run() {
    FleetStatus status = call(channel -> StatusServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance()));
    print(status, StatusCommand::render);
  }

  static String render(FleetStatus status) {
    String nl = System.lineSeparator();
    StringBuilder out = new StringBuilder("control plane " + status.getControlPlane() + ", state version "
        + status.getStateVersion() + nl + nl);
    Table envoys = new Table("ENVOY", "REGION", "LDS", "RDS", "CDS", "EDS", "STATUS");
    for (EnvoyStatus envoy : status.getEnvoysList()) {
      envoys.row(envoy.getNodeId(), envoy.getRegion(), shortVersion(envoy, "listeners"), shortVersion(envoy, "routes"),
          shortVersion(envoy, "clusters"), shortVersion(envoy, "endpoints"),
          !envoy.getRejectionsList().isEmpty() ? "REFUSED" : envoy.getInSync() ? "SYNCED" : "STALE");
    }
    out.append(envoys);
    for (EnvoyStatus envoy : status.getEnvoysList()) {
      envoy.getRejectionsList().forEach(r -> out.append("  ").append(envoy.getNodeId()).append(" refused ").append(r.getType())
          .append(" ").append(r.getVersion()).append(": ").append(r.getReason()).append(nl));
    }
    out.append(nl);
    Table sidecars = new Table("SIDECAR", "REGION", "VERSION", "STATUS");
    for (SidecarStatus sidecar : status.getSidecarsList()) {
      sidecars.row(sidecar.getSidecarId(), sidecar.getRegion(), sidecar.getServingVersion(),
          sidecar.getRejectedVersion() != 0 ? "REFUSED " + sidecar.getRejectedVersion() : sidecar.getInSync() ? "SYNCED" : "STALE");
    }
    out.append(sidecars);
    for (SidecarStatus sidecar : status.getSidecarsList()) {
      if (sidecar.getRejectedVersion() != 0) {
        out.append("  ").append(sidecar.getSidecarId()).append(" refused ").append(sidecar.getRejectedVersion())
            .append(": ").append(sidecar.getRejection()).append(nl);
      }
    }
    if (status.getEnvoysCount() == 0 && status.getSidecarsCount() == 0) {
      out.append("(nothing connected to this control plane)").append(nl);
    }
    if (status.getCertificatesCount() > 0 || status.getUncoveredNamesCount() > 0) {
      out.append(nl).append(certificates(status.getCertificatesList()));
      status.getUncoveredNamesList().forEach(name -> out.append("  no certificate covers ").append(name)
          .append(": HTTPS clients cannot reach it").append(nl));
    }
    return out.toString();
  }

  /** Edge certificates: each name with the days left (never a key: the API does not send one). */
  static String certificates(java.util.List<dev.gantry.proto.fleet.v1.CertificateInfo> certificates) {
    Table table = new Table("CERTIFICATE", "NAMES", "EXPIRES", "DAYS LEFT");
    for (dev.gantry.proto.fleet.v1.CertificateInfo c : certificates) {
      table.row(c.getName(), String.join(",", c.getDnsNamesList()),
          java.time.Instant.ofEpochSecond(c.getNotAfterEpochSeconds()).toString(),
          c.getDaysLeft() < 0 ? "EXPIRED" : c.getDaysLeft());
    }
    return table.toString();
  }

  private static String shortVersion(EnvoyStatus envoy, String type) {
    String version = envoy.getAckedMap().getOrDefault(type, "-");
    return version.length() > 8 ? version.substring(0, 8) : version;
  }
}
