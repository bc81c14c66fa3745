package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import dev.gantry.authz.AuthzServer;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.SidecarAddress;
import dev.gantry.routing.WorkloadId;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * N server-sent event streams held through one Gantry gateway while its config changes:
 * this command runs a control plane and an authz-service (in this JVM) for an Envoy that
 * {@code bench/run} started against them, holds the streams with h2load, pushes config changes
 * in the middle, and reports drops, resets and each process's memory.
 */
@Command(name = "streams", mixinStandardHelpOptions = true, description = "Long-lived streams through a gateway across config pushes.")
final class LongLivedStreams implements Callable<Integer> {

  @Option(names = "--gateway-port", defaultValue = "10020") int gatewayPort;
  @Option(names = "--pki-dir", required = true, description = "the run's local CA and certificates (./gantry pki init)") Path pkiDir;
  @Option(names = "--gateway-dir", required = true, description = "the gateway's working directory: its SDS files, and the sidecar's socket")
  Path gatewayDir;
  @Option(names = "--control-plane-port", defaultValue = "18020") int controlPlanePort;
  @Option(names = "--envoy-admin-port", defaultValue = "9920") int adminPort;
  @Option(names = "--echo-port", defaultValue = "18080") int echoPort;
  @Option(names = "--envoy-pid", required = true) long envoyPid;
  @Option(names = "--echo-pid", required = true) long echoPid;
  @Option(names = "--streams", defaultValue = "2000") int streams;
  @Option(names = "--hold-seconds", defaultValue = "20") int holdSeconds;
  @Option(names = "--pushes", defaultValue = "5") int pushes;
  @Option(names = "--out", required = true) Path out;

  private static final String HOST = "agt-echo-demo.eu-lon-1.run.localhost";

  /** Concurrent streams the gateway allows on one client connection (GatewayListener's HTTP/2 setting). */
  private static final int STREAMS_PER_CONNECTION = 100;

  /** The highest value a reading took, sampled every 200 ms on a thread of its own. */
  private static final class PeakGauge {
    private final Thread thread;
    private final AtomicLong peak = new AtomicLong();

    private PeakGauge(Callable<Long> reading) {
      thread = Thread.ofPlatform().daemon().name("peak-gauge").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            peak.accumulateAndGet(reading.call(), Math::max);
          } catch (InterruptedException e) {
            return;
          } catch (Exception unreadable) {
            // Envoy busy: the next sample.
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    static PeakGauge start(Callable<Long> reading) {
      return new PeakGauge(reading);
    }

    long stop() throws InterruptedException {
      thread.interrupt();
      thread.join();
      return peak.get();
    }
  }

  @Override
  public Integer call() throws Exception {
    admin = new EnvoyAdmin(adminPort);
    Topology topology = TopologyLoader.load("""
        regions:
          - {id: eu-lon-1, country: GB, continent: EU, coordinates: [51.51, -0.13],
             gateway: 127.0.0.1:%d, internal: 127.0.0.1:%d, authz: "unix:authz.sock"}
        """.formatted(gatewayPort, gatewayPort + 1000), "streams topology");
    String seed = """
        workloads:
          - id: agt-echo-demo
            public: true
            protocol: http2
            regions: [eu-lon-1]
            replicas: [{region: eu-lon-1, address: 127.0.0.1:%d}]
        """.formatted(echoPort);
    // As in ./gantry up: mutual TLS between the parts, the sidecar on a Unix socket in the
    // gateway's working directory (where Envoy, started there, finds "authz.sock").
    try (ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Config(
            new HostPort("127.0.0.1", controlPlanePort), topology, SeedLoader.load(seed, "streams seed", topology), null,
            TlsFiles.in(pkiDir, Identity.controlPlane())));
        AuthzServer authz = AuthzServer.start(new AuthzServer.Config(
            new SidecarAddress.Unix(gatewayDir.resolve("authz.sock").toAbsolutePath().toString()),
            new InetSocketAddress("127.0.0.1", controlPlanePort), "eu-lon-1", "authz-streams", AuthzServer.JwksSettings.DEFAULT,
            TlsFiles.in(pkiDir, Identity.authz("eu-lon-1"))))) {
      awaitGateway();
      // Warm the authz-service's JIT first: a cold JVM answering thousands of first checks at
      // once misses Envoy's ext_authz timeout (see envoy/README.md), which is not what this measures.
      new ProcessBuilder("h2load", "-c", "4", "-n", "20000", "-H", ":authority: " + HOST,
          "http://127.0.0.1:" + gatewayPort + "/warmup").redirectErrorStream(true).start().waitFor();
      long resetsBefore = envoyResets();
      long cdsBefore = envoyStat("cluster_manager.cds.update_success");
      // The gateway takes 100 concurrent streams per client connection (its public listener's
      // HTTP/2 setting): as many connections as that needs, each with all its streams, opened at
      // 20 a second: a ramp, not a thundering herd (the bursts are bench/run's own phase). The
      // workload speaks HTTP/2 (h2c), so the gateway holds 100 streams on each upstream
      // connection too: two descriptors per 100 streams, not two per stream.
      int connections = (streams + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
      int perConnection = (streams + connections - 1) / connections;
      PeakGauge active = PeakGauge.start(() -> envoyStat("http.gateway.downstream_rq_active"));
      Process h2load = new ProcessBuilder("h2load", "-c", String.valueOf(connections), "-m", String.valueOf(perConnection),
          "-n", String.valueOf(perConnection * connections), "--rate", "20", "-H", ":authority: " + HOST,
          "http://127.0.0.1:" + gatewayPort + "/sse?n=" + holdSeconds + "&interval_ms=1000")
          .redirectErrorStream(true).start();

      Map<String, Object> memory = new LinkedHashMap<>();
      long pushEvery = TimeUnit.SECONDS.toMillis(holdSeconds) / (pushes + 1);
      for (int i = 0; i < pushes; i++) {
        Thread.sleep(pushEvery);
        push(controlPlane, i);
        if (i == pushes / 2) {
          memory.put("envoy_rss_mib", Memory.rssMib(envoyPid));
          memory.put("echo_rss_mib", Memory.rssMib(echoPid));
          memory.put("bench_jvm_rss_mib (control plane + authz-service + this tool)", Memory.rssMib(ProcessHandle.current().pid()));
        }
      }
      String output = new String(h2load.getInputStream().readAllBytes());
      h2load.waitFor(holdSeconds + 120L, TimeUnit.SECONDS);
      long peak = active.stop();
      H2loadSummary h2 = H2loadSummary.parse(output);
      if (h2 == null) {
        throw new IllegalStateException("h2load output not understood:\n" + output);
      }
      long admitted = h2.ok2xx();
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("streams", h2.total());
      summary.put("not_started", h2.total() - h2.started());
      summary.put("admitted", admitted);
      // Answered, but not with 2xx: refused at admission.
      summary.put("refused", h2.s3xx() + h2.s4xx() + h2.s5xx());
      summary.put("succeeded", h2.succeeded());
      // Ended by a stream error (reset, timeout) instead of completing: what a config push must never
      // do. (h2load's "failed" also counts answers that are not 2xx: those are the refused above.)
      long dropped = h2.errored();
      summary.put("dropped", dropped);
      // Admitted (2xx headers) and not ended by an error: held to the end.
      summary.put("held", Math.max(0, admitted - dropped));
      // The most open at once, as Envoy counted them (sampled every 200 ms).
      summary.put("peak_concurrent", peak);
      summary.put("client_connections", connections);
      summary.put("h2load", output.lines().filter(l -> l.startsWith("requests:") || l.startsWith("status codes:")).toList());
      summary.put("hold_seconds", holdSeconds);
      summary.put("config_pushes", pushes);
      summary.put("envoy_resets", envoyResets() - resetsBefore);
      // Each push adds a cluster: Envoy's CDS updates show they reached it.
      summary.put("envoy_cds_updates", envoyStat("cluster_manager.cds.update_success") - cdsBefore);
      summary.put("memory_at_peak", memory);
      Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(summary));
    }
    return 0;
  }

  /** A workload added (CDS, EDS, authz snapshot), then its replica (EDS). */
  private static void push(ControlPlane controlPlane, int i) {
    WorkloadId id = WorkloadId.parse("agt-push" + i + "-bench");
    controlPlane.store().update(s -> {
      Map<WorkloadId, Workload> workloads = new HashMap<>(s.workloads());
      workloads.put(id, new Workload(id, true, new TreeSet<>(List.of("eu-lon-1"))));
      List<Replica> replicas = new ArrayList<>(s.replicas());
      replicas.add(new Replica(id, "eu-lon-1", new HostPort("127.0.0.1", 9)));
      return s.withWorkloads(workloads, replicas);
    });
  }

  private void awaitGateway() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 300; i++) {
      try {
        HttpResponse<Void> response = client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200 && envoyStat("cluster_manager.active_clusters") >= 2) {
          Thread.sleep(500); // let the authz-service take its first snapshot
          return;
        }
      } catch (java.io.IOException notYet) {
        // Envoy not up yet.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the gateway on " + gatewayPort + " did not get its config");
  }

  private long envoyResets() throws Exception {
    return envoyStat("http.gateway.downstream_rq_rx_reset") + envoyStat("http.gateway.downstream_rq_tx_reset");
  }

  private EnvoyAdmin admin;

  private long envoyStat(String name) throws Exception {
    return admin.stat(name);
  }
}
