package dev.gantry.bench;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Simulated Envoys in a JVM of their own (started by {@code xds-scale}, as real Envoys are
 * processes apart from the control plane): {@code --clients} ADS streams that ask for clusters
 * and ACK every answer as Envoy does, and report when each saw the clusters it is told to await.
 *
 * <p>It talks over its standard input and output, a line each way: it prints {@code ready}
 * once every stream has its first config; to {@code await <cluster>} it answers {@code
 * awaiting} (every stream now waits for it), then {@code seen <cluster> <t>…} with each
 * stream's arrival time ({@link System#nanoTime()}, which on Linux is the machine's monotonic
 * clock, the same in every process), or {@code failed <why>}; {@code quit} ends it.
 */
@Command(name = "xds-clients", hidden = true, description = "Simulated Envoys for xds-scale (its child JVM).")
final class XdsClients implements Callable<Integer> {

  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  @Option(names = "--port", required = true) int port;
  @Option(names = "--clients", defaultValue = "1000") int clients;
  @Option(names = "--delta", description = "delta ADS (else state-of-the-world)") boolean delta;
  @Option(names = "--region", defaultValue = "eu-lon-1") String region;

  @Override
  public Integer call() throws Exception {
    PrintStream say = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }
    try {
      List<Subscriber<?, ?>> envoys = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Node node = Node.newBuilder().setId("sim-" + i).setCluster("gantry-gateway")
            .setLocality(Locality.newBuilder().setRegion(region)).build();
        ManagedChannel channel = channels.get(i % channels.size());
        envoys.add(delta ? new SimulatedDeltaEnvoy(node, channel) : new SimulatedEnvoy(node, channel));
      }
      for (Subscriber<?, ?> envoy : envoys) {
        if (!envoy.firstResponse.await(60, TimeUnit.SECONDS)) {
          say.println("failed " + envoy.node.getId() + " got no initial config within 60 s");
          return 1;
        }
      }
      say.println("ready");
      BufferedReader told = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = told.readLine(); line != null && !line.equals("quit"); line = told.readLine()) {
        if (!line.startsWith("await ")) {
          say.println("failed not understood: " + line);
          return 1;
        }
        String cluster = line.substring("await ".length());
        envoys.forEach(e -> e.await(cluster));
        say.println("awaiting");
        StringBuilder seen = new StringBuilder("seen ").append(cluster);
        for (Subscriber<?, ?> envoy : envoys) {
          try {
            seen.append(' ').append(envoy.seen(cluster).get(60, TimeUnit.SECONDS));
          } catch (TimeoutException | ExecutionException e) {
            say.println("failed " + envoy.node.getId() + " did not see " + cluster + " within 60 s: " + e);
            return 1;
          }
        }
        say.println(seen);
      }
      return 0;
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** The arrival times of a {@code seen} line; what it reports of anything else. */
  static long[] arrivals(String cluster, String line) {
    String prefix = "seen " + cluster + " ";
    if (line == null || !line.startsWith(prefix)) {
      throw new IllegalStateException("the simulated Envoys said: " + line);
    }
    String[] times = line.substring(prefix.length()).split(" ");
    long[] arrivals = new long[times.length];
    for (int i = 0; i < times.length; i++) {
      arrivals[i] = Long.parseLong(times[i]);
    }
    return arrivals;
  }

  /**
   * A simulated Envoy: one ADS stream sending {@code Q} and receiving {@code R}; its first config,
   * and when it saw each cluster it waits for.
   */
  private abstract static class Subscriber<Q, R> implements StreamObserver<R> {
    final Node node;
    final CountDownLatch firstResponse = new CountDownLatch(1);
    private final Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
    private StreamObserver<Q> requests;

    Subscriber(Node node) {
      this.node = node;
    }

    /** Starts the stream (its requests go to {@code requests}) with {@code first}. */
    final void open(StreamObserver<Q> requests, Q first) {
      this.requests = requests;
      send(first);
    }

    /** gRPC's request observer takes one caller at a time. */
    final synchronized void send(Q request) {
      requests.onNext(request);
    }

    /** Starts waiting for {@code cluster}. */
    void await(String cluster) {
      waiting.put(cluster, new CompletableFuture<>());
    }

    /** When {@code cluster} arrived (nanoTime), once it has. */
    CompletableFuture<Long> seen(String cluster) {
      return waiting.get(cluster);
    }

    /**
     * A cluster arrived at {@code now}: seen, if it is one waited for. Only its name is read
     * (gRPC has parsed the response; the cluster inside stays bytes, as a real Envoy's would not,
     * but the simulated Envoys share this machine's cores with the control plane they measure).
     */
    void received(com.google.protobuf.Any resource, long now) {
      CompletableFuture<Long> future = waiting.get(clusterName(resource.getValue()));
      if (future != null) {
        future.complete(now);
      }
    }

    @Override
    public void onError(Throwable t) {
      waiting.values().forEach(f -> f.completeExceptionally(t));
    }

    @Override
    public void onCompleted() {}
  }

  /** One state-of-the-world ADS stream that asks for clusters and ACKs every answer, as Envoy does. */
  private static final class SimulatedEnvoy extends Subscriber<DiscoveryRequest, DiscoveryResponse> {

    SimulatedEnvoy(Node node, ManagedChannel channel) {
      super(node);
      open(AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this),
          DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).build());
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      long now = System.nanoTime();
      response.getResourcesList().forEach(resource -> received(resource, now));
      send(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS)
          .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()).build());
      firstResponse.countDown();
    }
  }

  /**
   * One delta ADS stream subscribed to every cluster (a wildcard), ACKing every answer as Envoy
   * does: it receives only the clusters that changed.
   */
  private static final class SimulatedDeltaEnvoy extends Subscriber<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {

    SimulatedDeltaEnvoy(Node node, ManagedChannel channel) {
      super(node);
      open(AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(this),
          DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).build());
    }

    @Override
    public void onNext(DeltaDiscoveryResponse response) {
      long now = System.nanoTime();
      response.getResourcesList().forEach(resource -> received(resource.getResource(), now));
      // The node in every request, as the gateways' Envoys send it (set_node_on_first_message_only: false).
      send(DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).setResponseNonce(response.getNonce()).build());
      firstResponse.countDown();
    }
  }

  /** Field 1, length-delimited: a cluster's name. */
  private static final int NAME_TAG = io.envoyproxy.envoy.config.cluster.v3.Cluster.NAME_FIELD_NUMBER << 3
      | com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /**
   * The name of a serialized cluster (its field 1, the first one met: protobuf's Java serializer
   * writes it once, first), read without parsing the rest; empty when it has none.
   */
  static String clusterName(com.google.protobuf.ByteString cluster) {
    try {
      com.google.protobuf.CodedInputStream in = cluster.newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == NAME_TAG) {
          return in.readString();
        }
        in.skipField(tag);
      }
      return "";
    } catch (IOException e) {
      throw new IllegalStateException("a cluster that does not parse", e);
    }
  }
}
