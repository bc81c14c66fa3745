package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.CreateWorkspaceRequest;
import dev.gantry.proto.admin.v1.DeleteWorkspaceRequest;
import dev.gantry.proto.admin.v1.DeleteWorkspaceResponse;
import dev.gantry.proto.admin.v1.ListWorkspacesRequest;
import dev.gantry.proto.admin.v1.ListWorkspacesResponse;
import dev.gantry.proto.admin.v1.WorkspaceInfo;
import dev.gantry.proto.admin.v1.WorkspaceServiceGrpc;
import dev.gantry.routing.LocationPolicy;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.List;

/** The admin API's workspaces. */
public final class WorkspaceAdmin extends WorkspaceServiceGrpc.WorkspaceServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final WorkspaceRules rules;

  public WorkspaceAdmin(Topology topology, FleetStore store, WorkspaceRules rules) {
    this.topology = topology;
    this.store = store;
    this.rules = rules;
  }

  @Override
  public void createWorkspace(CreateWorkspaceRequest request, StreamObserver<WorkspaceInfo> responses) {
    AdminStatus.answer(responses, () -> {
      Workspace workspace = AdminMessages.decode(() -> FleetCodec.workspace(request.getWorkspace()));
      FleetState stored = store.update(state -> rules.createWorkspace(state, workspace));
      return info(stored, stored.workspaces().get(workspace.id()));
    });
  }

  @Override
  public void setJwtIssuers(dev.gantry.proto.admin.v1.SetJwtIssuersRequest request, StreamObserver<WorkspaceInfo> responses) {
    AdminStatus.answer(responses, () -> {
      List<JwtIssuer> issuers = AdminMessages.decode(() -> request.getJwtIssuersList().stream().map(FleetCodec::issuer).toList());
      FleetState stored = store.update(state -> rules.setJwtIssuers(state, request.getWorkspace(), issuers));
      return info(stored, stored.workspaces().get(request.getWorkspace()));
    });
  }

  @Override
  public void listWorkspaces(ListWorkspacesRequest request, StreamObserver<ListWorkspacesResponse> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      FleetState state = store.current();
      ListWorkspacesResponse.Builder list = ListWorkspacesResponse.newBuilder().setVersion(state.version());
      state.workspaces().values().stream().sorted(Comparator.comparing(Workspace::id))
          .forEach(w -> list.addWorkspaces(info(state, w)));
      return list.build();
    });
  }

  @Override
  public void deleteWorkspace(DeleteWorkspaceRequest request, StreamObserver<DeleteWorkspaceResponse> responses) {
    AdminStatus.answer(responses, () -> DeleteWorkspaceResponse.newBuilder()
        .setVersion(store.update(state -> rules.deleteWorkspace(state, request.getId())).version())
        .build());
  }

  private WorkspaceInfo info(FleetState state, Workspace workspace) {
    return WorkspaceInfo.newBuilder()
        .setWorkspace(FleetCodec.workspace(workspace))
        .addAllAllowedRegions(LocationPolicy.allowedRegions(topology.catalog(), workspace.policy()))
        .setWorkloads((int) state.workloads().keySet().stream().filter(id -> id.workspace().equals(workspace.id())).count())
        .setVersion(state.version())
        .build();
  }
}
