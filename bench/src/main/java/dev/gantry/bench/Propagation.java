package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.FleetStatus;
import dev.gantry.proto.admin.v1.GetStatusRequest;
import dev.gantry.proto.admin.v1.StatusServiceGrpc;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.Workload;
import dev.gantry.pki.Identity;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Write → every authz sidecar and every Envoy, on a running fleet: {@code --writes} admin writes
 * (a workload in every region created, then deleted, in turn) through the control plane's admin
 * API with an operator's certificate, each timed from just before the call until the fleet
 * status shows every sidecar serving a version at least the write's, and every Envoy in sync
 * with a published config that reflects it (its region's {@code xds_state_versions}). The
 * status is polled every {@code --poll-micros}; a sample is taken when an answer arrives, so it
 * may be late by up to one status call plus that interval (the mean call is reported); the writes are one
 * at a time, once {@code --envoys} Envoys and {@code --sidecars} sidecars are connected and in
 * sync (it waits a minute for them, then fails).
 */
@Command(name = "propagation", mixinStandardHelpOptions = true,
    description = "Time from an admin write until every sidecar and every Envoy has it.")
final class Propagation implements Callable<Integer> {

  @Option(names = "--pki-dir", required = true, description = "the fleet's local CA and certificates") Path pkiDir;
  @Option(names = "--control-plane-port", defaultValue = "18000", description = "the control plane on loopback") int port;
  @Option(names = "--envoys", required = true, description = "Envoys that must be connected") int envoys;
  @Option(names = "--sidecars", required = true, description = "sidecars that must be connected") int sidecars;
  @Option(names = "--writes", defaultValue = "100") int writes;
  @Option(names = "--poll-micros", defaultValue = "1000") int pollMicros;
  @Option(names = "--out") Path out;

  @Override
  public Integer call() throws Exception {
    ManagedChannel channel = LocalControlPlane.connect(pkiDir, port, Identity.operator("local"));
    try {
      StatusServiceGrpc.StatusServiceBlockingStub status = StatusServiceGrpc.newBlockingStub(channel);
      WorkloadServiceGrpc.WorkloadServiceBlockingStub workloads = WorkloadServiceGrpc.newBlockingStub(channel);
      FleetStatus fleet = awaitFleet(status);
      List<String> regions = new ArrayList<>(fleet.getXdsVersionsMap().keySet());
      List<Double> toSidecars = new ArrayList<>();
      List<Double> toEnvoys = new ArrayList<>();
      long statusCalls = 0;
      long statusNanos = 0;
      for (int w = 0; w < writes; w++) {
        String id = "agt-prop" + (w / 2) + "-bench";
        long start = System.nanoTime();
        long version = w % 2 == 0
            ? workloads.createWorkload(CreateWorkloadRequest.newBuilder()
                .setWorkload(Workload.newBuilder().setId(id).setPublic(true).addAllRegions(regions)).build()).getVersion()
            : workloads.deleteWorkload(DeleteWorkloadRequest.newBuilder().setId(id).build()).getVersion();
        long sidecarsAt = 0;
        long envoysAt = 0;
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (sidecarsAt == 0 || envoysAt == 0) {
          long asked = System.nanoTime();
          fleet = status.getStatus(GetStatusRequest.getDefaultInstance());
          long now = System.nanoTime(); // the answer was true by now: a sample includes up to one status call
          statusCalls++;
          statusNanos += now - asked;
          if (sidecarsAt == 0 && sidecarsServe(fleet, version)) {
            sidecarsAt = now;
          }
          if (envoysAt == 0 && envoysRun(fleet, version)) {
            envoysAt = now;
          }
          if (now > deadline) {
            throw new IllegalStateException("write " + w + " (version " + version + ") not everywhere after 30 s: " + fleet);
          }
          LockSupport.parkNanos(pollMicros * 1000L);
        }
        toSidecars.add((sidecarsAt - start) / 1e6);
        toEnvoys.add((envoysAt - start) / 1e6);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("writes", writes);
      result.put("regions", regions);
      result.put("envoys", envoys);
      result.put("sidecars", sidecars);
      result.put("poll_interval_ms", pollMicros / 1000.0);
      result.put("status_call_ms_mean", statusCalls == 0 ? 0 : statusNanos / 1e6 / statusCalls);
      result.put("every_sidecar_ms", summary(toSidecars));
      result.put("every_envoy_ms", summary(toEnvoys));
      String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
      System.out.println(json);
      if (out != null) {
        Files.writeString(out, json);
      }
      return 0;
    } finally {
      channel.shutdownNow();
    }
  }

  /** The status once the expected parts are connected and have the current state (at most a minute). */
  private FleetStatus awaitFleet(StatusServiceGrpc.StatusServiceBlockingStub status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try {
        FleetStatus fleet = status.withDeadlineAfter(5, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
        if (sidecarsServe(fleet, fleet.getStateVersion()) && envoysRun(fleet, fleet.getStateVersion())) {
          return fleet;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("expected " + envoys + " Envoys and " + sidecars
              + " sidecars connected and in sync within a minute; the status shows " + fleet);
        }
      } catch (io.grpc.StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(200);
    }
  }

  private boolean sidecarsServe(FleetStatus fleet, long version) {
    return fleet.getSidecarsCount() == sidecars
        && fleet.getSidecarsList().stream().allMatch(s -> s.getServingVersion() >= version);
  }

  private boolean envoysRun(FleetStatus fleet, long version) {
    return fleet.getEnvoysCount() == envoys && fleet.getEnvoysList().stream().allMatch(e ->
        e.getInSync() && fleet.getXdsStateVersionsOrDefault(e.getRegion(), 0) >= version);
  }

  private static Map<String, Object> summary(List<Double> ms) {
    double[] sorted = ms.stream().mapToDouble(d -> d).sorted().toArray();
    Map<String, Object> s = new LinkedHashMap<>();
    if (sorted.length == 0) {
      return s;
    }
    s.put("p50", Percentiles.of(sorted, 50));
    s.put("p99", Percentiles.of(sorted, 99));
    s.put("max", sorted[sorted.length - 1]);
    s.put("all", ms);
    return s;
  }
}
