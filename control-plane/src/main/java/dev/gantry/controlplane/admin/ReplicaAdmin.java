package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.replicas.ReplicaLeases;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.DeregisterReplicaResponse;
import dev.gantry.proto.admin.v1.HeartbeatRequest;
import dev.gantry.proto.admin.v1.ListReplicasRequest;
import dev.gantry.proto.admin.v1.ListReplicasResponse;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.ReplicaInfo;
import dev.gantry.proto.admin.v1.ReplicaLease;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** The admin API's replicas: register with a lease, renew it, leave. */
public final class ReplicaAdmin extends ReplicaServiceGrpc.ReplicaServiceImplBase {

  private final FleetStore store;
  private final Deployments deployments;
  private final ReplicaLeases leases;

  public ReplicaAdmin(FleetStore store, Deployments deployments, ReplicaLeases leases) {
    this.store = store;
    this.deployments = deployments;
    this.leases = leases;
  }

  @Override
  public void registerReplica(RegisterReplicaRequest request, StreamObserver<ReplicaLease> responses) {
    AdminStatus.answer(responses, () -> {
      Replica replica = AdminMessages.replica(request.getReplica());
      if (request.getPermanent()) {
        store.update(state -> deployments.addReplica(state, replica));
        return lease(replica, Duration.ZERO);
      }
      return lease(replica, leases.register(replica, Duration.ofMillis(request.getTtlMillis())));
    });
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<ReplicaLease> responses) {
    AdminStatus.answer(responses, () -> {
      Replica replica = AdminMessages.replica(request.getReplica());
      Duration ttl = leases.heartbeat(replica);
      if (ttl == null) {
        throw new Refusal(Refusal.Kind.NOT_FOUND, "replica " + replica.address() + " of '" + replica.workload()
            + "' in " + replica.region() + " is not registered (register again)");
      }
      return lease(replica, ttl);
    });
  }

  @Override
  public void deregisterReplica(DeregisterReplicaRequest request, StreamObserver<DeregisterReplicaResponse> responses) {
    AdminStatus.answer(responses, () -> {
      leases.deregister(AdminMessages.replica(request.getReplica()));
      return DeregisterReplicaResponse.newBuilder().setVersion(store.current().version()).build();
    });
  }

  @Override
  public void listReplicas(ListReplicasRequest request, StreamObserver<ListReplicasResponse> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      ListReplicasResponse.Builder list = ListReplicasResponse.newBuilder();
      for (Replica replica : store.current().replicas()) {
        if (request.getWorkload().isEmpty() || replica.workload().toString().equals(request.getWorkload())) {
          list.addReplicas(ReplicaInfo.newBuilder()
              .setReplica(FleetCodec.replica(replica))
              .setLeased(leases.isLeased(replica)));
        }
      }
      return list.build();
    });
  }

  private static ReplicaLease lease(Replica replica, Duration ttl) {
    return ReplicaLease.newBuilder()
        .setReplica(FleetCodec.replica(replica))
        .setTtlMillis((int) ttl.toMillis())
        .build();
  }
}
