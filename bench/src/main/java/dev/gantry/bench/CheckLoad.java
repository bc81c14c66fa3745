package dev.gantry.bench;

import com.google.gson.Gson;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Check RPC alone, as Envoy calls it: a closed loop of {@code --concurrency} calls in
 * flight on one HTTP/2 connection, for {@code --seconds} after a warm-up of the same length.
 */
@Command(name = "check-load", mixinStandardHelpOptions = true, description = "Load the authz-service's Check RPC; write a JSON summary.")
final class CheckLoad implements Callable<Integer> {

  @Option(names = "--target", required = true, description = "the sidecar: unix:<socket path> or host:port") String target;
  @Option(names = "--host", defaultValue = "agt-private-demo.eu-lon-1.run.localhost:10000") String host;
  @Option(names = "--authorization", description = "an Authorization header to send") String authorization;
  @Option(names = "--seconds", defaultValue = "10") int seconds;
  @Option(names = "--concurrency", defaultValue = "8") int concurrency;
  @Option(names = "--out", required = true) Path out;
  @Option(names = "--sidecar-pid", description = "the sidecar's process: its CPU per check is measured over the recorded window")
  Long sidecarPid;
  @Option(names = "--clk-tck", defaultValue = "100", description = "clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK)")
  long clkTck;

  @Override
  public Integer call() throws Exception {
    io.grpc.netty.shaded.io.netty.channel.EventLoopGroup loop = null;
    NettyChannelBuilder builder;
    if (target.startsWith("unix:")) {
      loop = new io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup(1,
          io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler.newFactory());
      builder = NettyChannelBuilder.forAddress(
              new io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress(target.substring("unix:".length())))
          .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel.class)
          .eventLoopGroup(loop);
    } else {
      int colon = target.lastIndexOf(':');
      builder = NettyChannelBuilder.forAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    }
    ManagedChannel channel = builder.usePlaintext().build();
    AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
        .setHost(host).setMethod("GET").setPath("/bench").putHeaders(":authority", host);
    if (authorization != null) {
      http.putHeaders("authorization", authorization);
    }
    CheckRequest request = CheckRequest.newBuilder()
        .setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder().setHttp(http))).build();
    AuthorizationGrpc.AuthorizationStub stub = AuthorizationGrpc.newStub(channel);

    run(stub, request, seconds, new ConcurrentHistogram(3)); // warm-up, discarded
    Histogram latencies = new ConcurrentHistogram(3);
    AtomicLong failures = new AtomicLong();
    long cpuBefore = cpuTicks();
    long calls = run(stub, request, seconds, latencies, failures);
    long cpuAfter = cpuTicks();
    channel.shutdownNow();
    if (loop != null) {
      loop.shutdownGracefully();
    }

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("calls", calls);
    summary.put("failures", failures.get());
    summary.put("rps", calls / (double) seconds);
    summary.put("p50_us", latencies.getValueAtPercentile(50) / 1000.0);
    summary.put("p90_us", latencies.getValueAtPercentile(90) / 1000.0);
    summary.put("p99_us", latencies.getValueAtPercentile(99) / 1000.0);
    summary.put("max_us", latencies.getMaxValue() / 1000.0);
    summary.put("concurrency", concurrency);
    summary.put("target", target);
    if (sidecarPid != null && calls > 0) {
      summary.put("sidecar_cpu_us_per_check", (cpuAfter - cpuBefore) * 1_000_000.0 / clkTck / calls);
    }
    Files.writeString(out, new Gson().toJson(summary));
    return failures.get() == 0 ? 0 : 1;
  }

  /** utime + stime of the sidecar, in clock ticks; 0 without a pid. */
  private long cpuTicks() throws java.io.IOException {
    if (sidecarPid == null) {
      return 0;
    }
    return ProcessCpu.of(sidecarPid).ticks();
  }

  private long run(AuthorizationGrpc.AuthorizationStub stub, CheckRequest request, int seconds, Histogram latencies)
      throws InterruptedException {
    return run(stub, request, seconds, latencies, new AtomicLong());
  }

  private long run(AuthorizationGrpc.AuthorizationStub stub, CheckRequest request, int seconds, Histogram latencies,
      AtomicLong failures) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong calls = new AtomicLong();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Loop(stub, request, deadline, latencies, calls, failures, done).next();
    }
    done.await();
    return calls.get();
  }

  /** One caller: issues the next Check as soon as the previous answer arrives. */
  private record Loop(AuthorizationGrpc.AuthorizationStub stub, CheckRequest request, long deadline,
      Histogram latencies, AtomicLong calls, AtomicLong failures, CountDownLatch done) {

    void next() {
      if (System.nanoTime() >= deadline) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      stub.check(request, new StreamObserver<>() {
        @Override
        public void onNext(CheckResponse response) {}

        @Override
        public void onError(Throwable t) {
          failures.incrementAndGet();
          next();
        }

        @Override
        public void onCompleted() {
          latencies.recordValue(System.nanoTime() - start);
          calls.incrementAndGet();
          next();
        }
      });
    }
  }
}
