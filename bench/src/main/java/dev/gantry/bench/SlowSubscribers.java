package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.pki.Identity;
import dev.gantry.proto.snapshot.v1.AuthzSnapshotServiceGrpc;
import dev.gantry.proto.snapshot.v1.SnapshotUpdate;
import dev.gantry.proto.snapshot.v1.WatchRequest;
import dev.gantry.routing.WorkloadId;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sidecars that stop reading their snapshot stream, thousands at once, while the fleet changes:
 * what they cost the control plane's memory, and whether a sidecar connecting afterwards is
 * answered with the current version at once.
 *
 * <p>The control plane runs in this JVM, so its heap is measured here (after a full GC); the
 * slow sidecars run in a child JVM (this command with {@code --as-subscribers}), each stream
 * with the sidecars' own certificate and identity, reading the first, complete update and then
 * nothing.
 */
@Command(name = "slow-subscribers", mixinStandardHelpOptions = true,
    description = "Thousands of snapshot subscribers that stop reading, while the fleet changes.")
final class SlowSubscribers implements Callable<Integer> {

  @Option(names = "--pki-dir", required = true, description = "the run's local CA and certificates (./gantry pki init)") Path pkiDir;
  @Option(names = "--control-plane-port", defaultValue = "18030") int port;
  @Option(names = "--streams", defaultValue = "10000") int streams;
  @Option(names = "--connections", defaultValue = "20") int connections;
  @Option(names = "--workloads", defaultValue = "2000", description = "the fleet's size: it makes the complete update's size") int workloads;
  @Option(names = "--updates", defaultValue = "300") int updates;
  @Option(names = "--out") Path out;
  @Option(names = "--as-subscribers", hidden = true) boolean asSubscribers;

  @Override
  public Integer call() throws Exception {
    return asSubscribers ? subscribe() : measure();
  }

  private int measure() throws Exception {
    StringBuilder seed = new StringBuilder("workloads:\n");
    for (int i = 0; i < workloads; i++) {
      seed.append("  - {id: agt-w").append(i).append("-bench, public: true, regions: [eu-lon-1]}\n");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    try (ControlPlane controlPlane = LocalControlPlane.start(pkiDir, port, seed.toString(), "slow-subscribers")) {
      double heapBefore = Memory.heapAfterGcMib();
      Process subscribers = new ProcessBuilder(BenchMain.inChildJvm("-Xmx4g",
          "slow-subscribers", "--as-subscribers", "--pki-dir", pkiDir.toString(),
          "--control-plane-port", String.valueOf(port), "--streams", String.valueOf(streams),
          "--connections", String.valueOf(connections)))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader said = new BufferedReader(new InputStreamReader(subscribers.getInputStream()));
      String line = said.readLine();
      if (line == null || !line.startsWith("watching ")) {
        throw new IllegalStateException("the subscribers did not start: " + line);
      }
      long firstVersion = Long.parseLong(line.substring("watching ".length()));
      double heapWatching = Memory.heapAfterGcMib();
      double rssWatching = Memory.rssMib(ProcessHandle.current().pid());
      long directWatching = PlatformDependent.usedDirectMemory();

      for (int i = 0; i < updates; i++) {
        push(controlPlane, i);
      }
      Thread.sleep(2000); // let the writes reach the streams' transport
      double heapAfter = Memory.heapAfterGcMib();
      double rssAfter = Memory.rssMib(ProcessHandle.current().pid());
      long directAfter = PlatformDependent.usedDirectMemory();
      long current = controlPlane.store().current().version();
      SnapshotUpdate fresh = firstUpdateOfANewSidecar(pkiDir, port);

      result.put("streams", streams);
      result.put("connections", connections);
      result.put("workloads", workloads);
      result.put("updates_while_stalled", updates);
      result.put("first_version", firstVersion);
      result.put("current_version", current);
      result.put("heap_mib_control_plane_alone", heapBefore);
      result.put("heap_mib_streams_open", heapWatching);
      result.put("heap_mib_after_updates", heapAfter);
      result.put("heap_growth_per_stream_bytes_during_updates", Math.round((heapAfter - heapWatching) * 1024 * 1024 / streams));
      result.put("rss_mib_streams_open (control plane + this tool)", rssWatching);
      result.put("rss_mib_after_updates", rssAfter);
      result.put("netty_direct_mib_streams_open", directWatching / (1024.0 * 1024.0));
      result.put("netty_direct_mib_after_updates", directAfter / (1024.0 * 1024.0));
      result.put("complete_update_bytes", fresh.getSerializedSize());
      result.put("a_reading_sidecar_got_version", fresh.getVersion());
      result.put("a_reading_sidecar_is_current", fresh.getVersion() == current);
      subscribers.destroy();
      subscribers.waitFor(30, TimeUnit.SECONDS);
    }
    String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
    System.out.println(json);
    if (out != null) {
      Files.writeString(out, json);
    }
    return 0;
  }

  /** The child: opens the streams, reads each one's first update, then reads nothing until killed. */
  private int subscribe() throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      channels.add(LocalControlPlane.channel(pkiDir, port, Identity.authz("eu-lon-1"))
          // A fixed 64 KiB window (no automatic growth): the control plane, not this client,
          // holds what a sidecar has not read.
          .flowControlWindow(65535).build());
    }
    CountDownLatch firsts = new CountDownLatch(streams);
    AtomicLong version = new AtomicLong();
    for (int i = 0; i < streams; i++) {
      WatchRequest request = WatchRequest.newBuilder().setSidecarId("slow-" + i).setRegion("eu-lon-1").build();
      AuthzSnapshotServiceGrpc.newStub(channels.get(i % connections)).watch(request,
          new ClientResponseObserver<WatchRequest, SnapshotUpdate>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
              call.disableAutoRequestWithInitial(1); // the complete update, then nothing
            }

            @Override
            public void onNext(SnapshotUpdate update) {
              version.set(update.getVersion());
              firsts.countDown();
            }

            @Override
            public void onError(Throwable t) {
              System.err.println("slow subscriber: " + t);
            }

            @Override
            public void onCompleted() {}
          });
    }
    if (!firsts.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(firsts.getCount() + " streams got no first update");
    }
    System.out.println("watching " + version.get());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
    return 0;
  }

  /** The first (complete) update of a sidecar connecting now: which version it gets. */
  private static SnapshotUpdate firstUpdateOfANewSidecar(Path pkiDir, int port) throws Exception {
    ManagedChannel channel = LocalControlPlane.connect(pkiDir, port, Identity.authz("eu-lon-1"));
    try {
      return AuthzSnapshotServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .watch(WatchRequest.newBuilder().setSidecarId("reader").setRegion("eu-lon-1").build()).next();
    } finally {
      channel.shutdownNow();
    }
  }

  /** One workload added: a difference of a few hundred bytes for every sidecar. */
  private static void push(ControlPlane controlPlane, int i) {
    WorkloadId id = WorkloadId.parse("agt-slow" + i + "-bench");
    controlPlane.store().update(s -> {
      Map<WorkloadId, Workload> next = new HashMap<>(s.workloads());
      next.put(id, new Workload(id, true, new TreeSet<>(List.of("eu-lon-1"))));
      return s.withWorkloads(next, s.replicas());
    });
  }
}
