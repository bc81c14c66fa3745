package dev.gantry.demo;

import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.HeartbeatRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.routing.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import dev.gantry.pki.GrpcTls;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps replicas registered with the control plane: registers each, renews its lease three times
 * per lease, registers again when the control plane no longer knows it (it restarted, or the
 * lease ran out), and keeps trying while the control plane is unreachable. Closing deregisters.
 * Stop the process without closing (kill -9) and the lease runs out: the gateway stops sending
 * traffic within the lease.
 */
public final class ReplicaRegistration implements AutoCloseable {

  /** One replica to keep registered. */
  public record Replica(String workload, String region, HostPort address) {}

  private final ManagedChannel channel;
  private final ReplicaServiceGrpc.ReplicaServiceBlockingStub replicas;
  private final List<Replica> registered;
  private final Duration ttl;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "replica-heartbeat");
        thread.setDaemon(true);
        return thread;
      });
  private volatile boolean[] known;

  private ReplicaRegistration(HostPort controlPlane, List<Replica> registered, Duration ttl, TlsFiles tls) throws IOException {
    // Mutual TLS as a registrar (spiffe://gantry/registrar/...): it may only keep replicas registered.
    this.channel = NettyChannelBuilder.forAddress(controlPlane.host(), controlPlane.port(),
        GrpcTls.client(tls, peer -> peer.role() == Identity.Role.CONTROL_PLANE, timer)).build();
    this.replicas = ReplicaServiceGrpc.newBlockingStub(channel);
    this.registered = List.copyOf(registered);
    this.ttl = ttl;
    this.known = new boolean[registered.size()];
  }

  /**
   * Starts keeping {@code replicas} registered with the control plane at {@code controlPlane},
   * calling as the registrar whose certificate {@code tls} holds.
   */
  public static ReplicaRegistration start(HostPort controlPlane, List<Replica> replicas, Duration ttl, TlsFiles tls)
      throws IOException {
    ReplicaRegistration registration = new ReplicaRegistration(controlPlane, replicas, ttl, tls);
    long period = Math.max(100, ttl.toMillis() / 3);
    registration.timer.scheduleWithFixedDelay(registration::renewAll, 0, period, TimeUnit.MILLISECONDS);
    return registration;
  }

  private void renewAll() {
    boolean[] next = known.clone();
    for (int i = 0; i < registered.size(); i++) {
      next[i] = renew(registered.get(i), next[i]);
    }
    known = next;
  }

  /** Returns whether the control plane knows the replica afterwards. */
  private boolean renew(Replica replica, boolean wasKnown) {
    var stub = replicas.withDeadlineAfter(ttl.toMillis() / 2, TimeUnit.MILLISECONDS);
    try {
      if (wasKnown) {
        try {
          stub.heartbeat(HeartbeatRequest.newBuilder().setReplica(message(replica)).build());
          return true;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
        }
      }
      stub.registerReplica(RegisterReplicaRequest.newBuilder().setReplica(message(replica))
          .setTtlMillis((int) ttl.toMillis()).build());
      System.err.println("registered " + replica.workload() + " in " + replica.region() + " at " + replica.address());
      return true;
    } catch (StatusRuntimeException e) {
      if (wasKnown || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
        System.err.println("registering " + replica.workload() + " in " + replica.region() + ": "
            + e.getStatus().getCode() + " " + e.getStatus().getDescription());
      }
      return false;
    }
  }

  /**
   * Stops renewing without deregistering, as a crashed process would: the control plane removes
   * the replicas when their leases run out.
   */
  public void abandon() {
    timer.shutdownNow();
    channel.shutdownNow();
  }

  /** Deregisters every replica (best effort) and stops. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (Replica replica : registered) {
      try {
        replicas.withDeadlineAfter(1, TimeUnit.SECONDS).deregisterReplica(DeregisterReplicaRequest.newBuilder()
            .setReplica(message(replica)).build());
      } catch (StatusRuntimeException e) {
        // The lease runs out instead.
      }
    }
    channel.shutdownNow();
  }

  private static dev.gantry.proto.fleet.v1.Replica message(Replica replica) {
    return dev.gantry.proto.fleet.v1.Replica.newBuilder()
        .setWorkload(replica.workload()).setRegion(replica.region()).setAddress(replica.address().toString()).build();
  }
}
