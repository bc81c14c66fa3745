package dev.gantry.bench;

import com.google.gson.GsonBuilder;
import dev.gantry.controlplane.ControlPlane;
import dev.gantry.pki.Identity;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.fleet.v1.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Oversized admin requests, many at once, from an operator's certificate: how each is answered,
 * what they leave in the control plane's memory (after a full GC; the control plane runs in
 * this JVM), and whether the next ordinary call is answered and nothing was written.
 */
@Command(name = "oversized-admin", mixinStandardHelpOptions = true,
    description = "Concurrent 10 MiB admin requests against the control plane.")
final class OversizedAdmin implements Callable<Integer> {

  @Option(names = "--pki-dir", required = true, description = "the run's local CA and certificates (./gantry pki init)") Path pkiDir;
  @Option(names = "--control-plane-port", defaultValue = "18031") int port;
  @Option(names = "--requests", defaultValue = "200") int requests;
  @Option(names = "--concurrency", defaultValue = "16") int concurrency;
  @Option(names = "--mib", defaultValue = "10", description = "each request's size") int mib;
  @Option(names = "--out") Path out;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    try (ControlPlane controlPlane = LocalControlPlane.start(pkiDir, port, "workloads: []\n", "oversized-admin")) {
      ManagedChannel channel = LocalControlPlane.channel(pkiDir, port, Identity.operator("local"))
          .maxInboundMessageSize(64 * 1024 * 1024).build();
      WorkloadServiceGrpc.WorkloadServiceBlockingStub workloads = WorkloadServiceGrpc.newBlockingStub(channel);
      long version = workloads.listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getVersion();
      CreateWorkloadRequest huge = CreateWorkloadRequest.newBuilder()
          .setWorkload(Workload.newBuilder().setId("agt-huge-bench").addRegions("eu-lon-1")
              .putLabels("blob", "x".repeat(mib * 1024 * 1024)))
          .build();
      huge.getSerializedSize(); // what serializing keeps is in the heap before, as after
      double heapBefore = Memory.heapAfterGcMib();
      ExecutorService senders = Executors.newFixedThreadPool(concurrency);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(senders.submit(() -> {
          try {
            workloads.createWorkload(huge);
            return "OK";
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
          }
        }));
      }
      Map<String, Integer> codes = new TreeMap<>();
      double peakHeap = 0;
      for (Future<String> answer : answers) {
        codes.merge(answer.get(), 1, Integer::sum);
        peakHeap = Math.max(peakHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0));
      }
      senders.shutdown();
      double heapAfter = Memory.heapAfterGcMib();
      ListWorkloadsRequest list = ListWorkloadsRequest.getDefaultInstance();
      result.put("requests", requests);
      result.put("concurrency", concurrency);
      result.put("request_mib", mib);
      result.put("answers", codes);
      result.put("heap_mib_before (after GC)", heapBefore);
      result.put("heap_mib_used_at_most_seen (no GC; this tool's request buffers included)", peakHeap);
      result.put("heap_mib_after (after GC)", heapAfter);
      // The next ordinary call: answered (else this command fails here), and the fleet unchanged.
      long versionAfter = workloads.listWorkloads(list).getVersion();
      result.put("next_call_answered", true);
      result.put("fleet_version_before_and_after", List.of(version, versionAfter));
      result.put("nothing_written", versionAfter == version);
      channel.shutdownNow();
      if (!codes.keySet().equals(java.util.Set.of(Status.Code.RESOURCE_EXHAUSTED.name()))) {
        System.err.println("oversized-admin: not every request was refused RESOURCE_EXHAUSTED: " + codes);
      }
    }
    String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
    System.out.println(json);
    if (out != null) {
      Files.writeString(out, json);
    }
    return 0;
  }
}
