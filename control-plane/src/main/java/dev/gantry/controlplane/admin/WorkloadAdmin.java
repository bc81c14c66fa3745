package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadResponse;
import dev.gantry.proto.admin.v1.GetWorkloadRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsResponse;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.routing.WorkloadId;
import io.grpc.stub.StreamObserver;

/** The admin API's workloads: create (deploy), get, list, delete. */
public final class WorkloadAdmin extends WorkloadServiceGrpc.WorkloadServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final Deployments deployments;

  public WorkloadAdmin(Topology topology, FleetStore store, Deployments deployments) {
    this.topology = topology;
    this.store = store;
    this.deployments = deployments;
  }

  @Override
  public void createWorkload(CreateWorkloadRequest request, StreamObserver<WorkloadInfo> responses) {
    AdminStatus.answer(responses, () -> {
      Workload asked = AdminMessages.decode(() -> FleetCodec.workload(request.getWorkload()));
      FleetState stored = store.update(state -> deployments.create(state, new Deployments.Request(asked, request.getNear())));
      return AdminMessages.workload(topology, stored, stored.workloads().get(asked.id()));
    });
  }

  @Override
  public void getWorkload(GetWorkloadRequest request, StreamObserver<WorkloadInfo> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getId());
      store.refresh(); // read what any control-plane replica wrote, not only this one
      FleetState state = store.current();
      Workload workload = state.workloads().get(id);
      if (workload == null) {
        throw new Refusal(Refusal.Kind.NOT_FOUND, "workload '" + id + "' does not exist");
      }
      return AdminMessages.workload(topology, state, workload);
    });
  }

  @Override
  public void listWorkloads(ListWorkloadsRequest request, StreamObserver<ListWorkloadsResponse> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      FleetState state = store.current();
      ListWorkloadsResponse.Builder list = ListWorkloadsResponse.newBuilder().setVersion(state.version());
      for (Workload workload : state.sortedWorkloads()) {
        if (request.getWorkspace().isEmpty() || workload.id().workspace().equals(request.getWorkspace())) {
          list.addWorkloads(AdminMessages.workload(topology, state, workload));
        }
      }
      return list.build();
    });
  }

  @Override
  public void deleteWorkload(DeleteWorkloadRequest request, StreamObserver<DeleteWorkloadResponse> responses) {
    AdminStatus.answer(responses, () -> {
      WorkloadId id = AdminMessages.workloadId(request.getId());
      FleetState stored = store.update(state -> deployments.delete(state, id));
      return DeleteWorkloadResponse.newBuilder().setVersion(stored.version()).build();
    });
  }
}
