package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.LocationPolicyInfo;
import dev.gantry.proto.admin.v1.PolicyServiceGrpc;
import dev.gantry.proto.admin.v1.SetLocationPolicyRequest;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import io.grpc.stub.StreamObserver;
import java.util.SortedSet;

/** The admin API's location policies, on workspaces and on workloads. */
public final class PolicyAdmin extends PolicyServiceGrpc.PolicyServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final Deployments deployments;

  public PolicyAdmin(Topology topology, FleetStore store, Deployments deployments) {
    this.topology = topology;
    this.store = store;
    this.deployments = deployments;
  }

  @Override
  public void setLocationPolicy(SetLocationPolicyRequest request, StreamObserver<LocationPolicyInfo> responses) {
    AdminStatus.answer(responses, () -> {
      LocationPolicy policy = FleetCodec.policy(request.getPolicy());
      FleetState stored;
      SortedSet<String> allowed;
      switch (request.getTargetCase()) {
        case WORKSPACE -> {
          String workspace = request.getWorkspace();
          stored = store.update(state -> deployments.setWorkspacePolicy(state, workspace, policy));
          allowed = LocationPolicy.allowedRegions(topology.catalog(), policy);
        }
        case WORKLOAD -> {
          WorkloadId id = AdminMessages.workloadId(request.getWorkload());
          stored = store.update(state -> deployments.setWorkloadPolicy(state, id, policy));
          allowed = stored.allowedRegions(topology.catalog(), stored.workloads().get(id));
        }
        default -> throw AdminStatus.invalid("no target (expected: a workspace or a workload)");
      }
      return LocationPolicyInfo.newBuilder()
          .setPolicy(FleetCodec.policy(policy))
          .addAllAllowedRegions(allowed)
          .setVersion(stored.version())
          .build();
    });
  }
}
