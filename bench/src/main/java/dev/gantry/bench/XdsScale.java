package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.training.RegionWait;
import dev.gantry.controlplane.training.SyntheticFleet;
import dev.gantry.routing.ClusterNames;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The control plane at scale, in this JVM: a whole control plane holding {@code --workloads}
 * workloads over every region (cold build, write → every region's new snapshot, heap); then
 * {@code --clients} simulated Envoys (ADS streams that ACK like Envoy, in a child JVM: {@link
 * XdsClients}) subscribed to one region of a small state, and the time from a write until each
 * has received the change.
 */
@Command(name = "xds-scale", mixinStandardHelpOptions = true, description = "Snapshot build time and heap at scale; xDS fan-out to simulated Envoys.")
final class XdsScale implements Callable<Integer> {

  private static final String REGION = "eu-lon-1";

  /** Snapshots a region keeps to go back to (the publisher's history): the heap is judged with them all held. */
  private static final int HISTORY_KEPT = 8;

  @Option(names = "--workloads", defaultValue = "100000") int workloads;
  @Option(names = "--clients", defaultValue = "1000") int clients;
  @Option(names = "--writes", defaultValue = "5") int writes;
  @Option(names = "--out", required = true) Path out;

  @Override
  public Integer call() throws Exception {
    Topology topology = TopologyLoader.embedded();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("scale", scale(topology));
    summary.put("fanout", fanout(topology, false));
    summary.put("fanout_delta", fanout(topology, true));
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(summary));
    return 0;
  }

  /**
   * A whole control plane in this JVM holding {@code workloads} workloads spread over every
   * region of the catalog: the cold build (start until every region's snapshot is published),
   * then {@code writes} writes each timed until every region's published config reflects it
   * (a workload created and a replica of it registered, taking turns), and the heap the running control plane holds
   * after a full GC (the state, every region's published snapshot and history, the authz
   * snapshot state) — no Envoy or sidecar connected.
   */
  private Map<String, Object> scale(Topology topology) throws Exception {
    Set<String> regions = topology.catalog().regions().keySet();
    List<String> inOrder = List.copyOf(regions);
    double before = Memory.heapAfterGcMib();
    FleetState state = SyntheticFleet.spread(workloads, inOrder);
    ProcessCpu cpuBefore = ProcessCpu.now();
    long start = System.nanoTime();
    ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", 0), topology, state));
    RegionWait wait = new RegionWait(controlPlane.status());
    long version = controlPlane.store().current().version();
    wait.await(regions, version, RegionWait.LIMIT);
    double coldMs = (System.nanoTime() - start) / 1e6;
    Map<String, Object> coldCost = ProcessCpu.now().since(cpuBefore);
    List<Double> writeMs = new ArrayList<>();
    // The heap after a full GC once the state is published, then after each write: it grows as each
    // region's history of published snapshots fills up (8 kept).
    List<Double> heapMib = new ArrayList<>(List.of(Memory.heapAfterGcMib() - before));
    // The two writes a fleet sees most, taking turns: a workload created (as the admin API's create
    // does, Deployments) and a replica of it registered (as the registrars' AddReplica does).
    List<String> kinds = new ArrayList<>();
    for (int w = 0; w < writes; w++) {
      int write = w;
      long t0 = System.nanoTime();
      FleetState next = controlPlane.store().update(s -> SyntheticFleet.write(s, write, inOrder));
      wait.await(regions, next.version(), RegionWait.LIMIT);
      writeMs.add((System.nanoTime() - t0) / 1e6);
      kinds.add(SyntheticFleet.isReplica(w) ? "replica" : "workload");
      heapMib.add(Memory.heapAfterGcMib() - before);
    }
    controlPlane.close(); // (a failed wait above ends the command, and the JVM with it)
    double[] sorted = writeMs.stream().mapToDouble(d -> d).sorted().toArray();
    Map<String, Object> scale = new LinkedHashMap<>();
    scale.put("workloads", workloads);
    scale.put("regions", regions.size());
    scale.put("cold_build_ms_every_region", coldMs);
    // The process's CPU over the cold build (this JVM runs nothing else then), user and system apart.
    scale.put("cold_build_process", coldCost);
    scale.put("writes", writes);
    scale.put("write_to_every_region_snapshot_ms_min", sorted.length == 0 ? -1 : sorted[0]);
    scale.put("write_to_every_region_snapshot_ms_max", sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
    scale.put("write_to_every_region_snapshot_ms_p50", sorted.length == 0 ? -1 : Percentiles.of(sorted, 50));
    scale.put("write_to_every_region_snapshot_ms_p99", sorted.length == 0 ? -1 : Percentiles.of(sorted, 99));
    scale.put("write_to_every_region_snapshot_ms_all", writeMs);
    scale.put("write_kinds", kinds);
    // Every write published a new snapshot per region, after the first; a region keeps the last 8.
    scale.put("history_snapshots_per_region", Math.min(HISTORY_KEPT, writes + 1));
    scale.put("history_kept_per_region", HISTORY_KEPT);
    scale.put("heap_mib_control_plane", heapMib.get(heapMib.size() - 1));
    scale.put("heap_mib_after_publish_then_each_write", heapMib);
    scale.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
    // How this JVM ran: bench/run gives it the control plane's options and AOT cache.
    scale.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    // "…, sharing" once a cache (the AOT cache given, or else the JDK's own) is mapped: a refused one is not.
    scale.put("jvm_info", System.getProperty("java.vm.info"));
    return scale;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * {@code clients} simulated Envoys of one protocol (state-of-the-world ADS, or delta ADS) on
   * a control plane of 100 workloads, and the time from each write until each has the new
   * cluster. The control plane runs in this JVM; the simulated Envoys in a child JVM
   * ({@link XdsClients}), as Envoys are processes apart: their garbage is not the control plane's
   * heap, and each process's CPU is read apart.
   */
  private Map<String, Object> fanout(Topology topology, boolean delta) throws Exception {
    int port = freePort();
    ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Config(new HostPort("127.0.0.1", port), topology, SyntheticFleet.spread(100, List.of(REGION))));
    List<String> command = BenchMain.inChildJvm("-Xmx2g", "xds-clients",
        "--port", String.valueOf(port), "--clients", String.valueOf(clients), "--region", REGION);
    if (delta) {
      command.add("--delta");
    }
    Process envoys = null;
    try {
      envoys = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return fanout(controlPlane, envoys, delta);
    } finally {
      if (envoys != null) {
        envoys.destroy();
        if (!envoys.waitFor(30, TimeUnit.SECONDS)) {
          envoys.destroyForcibly();
        }
      }
      controlPlane.close();
    }
  }

  /** The writes, each timed until every simulated Envoy of {@code envoys} has its cluster. */
  private Map<String, Object> fanout(ControlPlane controlPlane, Process envoys, boolean delta) throws Exception {
    try (BufferedReader said = envoys.inputReader(StandardCharsets.UTF_8);
        PrintStream tell = new PrintStream(envoys.getOutputStream(), true, StandardCharsets.UTF_8)) {
      expect("ready", said.readLine());
      List<Double> allMs = new ArrayList<>();
      List<Double> slowestByWrite = new ArrayList<>();
      ProcessCpu cpuBefore = ProcessCpu.now();
      ProcessCpu clientsBefore = ProcessCpu.of(envoys.pid());
      for (int w = 0; w < writes; w++) {
        WorkloadId id = WorkloadId.parse("agt-fanout" + w + "-bench");
        String marker = ClusterNames.workload(id, REGION);
        tell.println("await " + marker);
        expect("awaiting", said.readLine());
        long start = System.nanoTime();
        controlPlane.store().update(s -> {
          Map<WorkloadId, Workload> next = new HashMap<>(s.workloads());
          next.put(id, new Workload(id, true, new TreeSet<>(List.of(REGION))));
          return s.withWorkloads(next, s.replicas());
        });
        double slowest = 0;
        for (long arrived : XdsClients.arrivals(marker, said.readLine())) {
          double ms = (arrived - start) / 1e6;
          allMs.add(ms);
          slowest = Math.max(slowest, ms);
        }
        slowestByWrite.add(slowest);
      }
      Map<String, Object> writesCost = ProcessCpu.now().since(cpuBefore);
      Map<String, Object> clientsCost = ProcessCpu.of(envoys.pid()).since(clientsBefore);
      tell.println("quit");
      double[] sorted = allMs.stream().mapToDouble(d -> d).sorted().toArray();
      Map<String, Object> fanout = new LinkedHashMap<>();
      fanout.put("protocol", delta ? "delta ADS" : "state-of-the-world ADS");
      fanout.put("clients", clients);
      fanout.put("writes", writes);
      fanout.put("p50_ms", Percentiles.of(sorted, 50));
      fanout.put("p99_ms", Percentiles.of(sorted, 99));
      fanout.put("max_ms", Arrays.stream(sorted).max().orElse(0));
      // Whether the slow answers belong to a few writes (a pause) or to every write.
      fanout.put("slowest_client_ms_by_write", slowestByWrite);
      // The control plane's JVM over the writes (this one), and the simulated Envoys' (the child's).
      fanout.put("writes_process", writesCost);
      fanout.put("writes_clients_process", clientsCost);
      return fanout;
    }
  }

  private static void expect(String expected, String line) {
    if (!expected.equals(line)) {
      throw new IllegalStateException("the simulated Envoys said " + line + ", not " + expected);
    }
  }
}
