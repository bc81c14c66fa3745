package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.Deployments;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The admin API's workspaces. */
public final class WorkspaceAdmin extends WorkspaceServiceGrpc.WorkspaceServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final Deployments deployments;

  public WorkspaceAdmin(Topology topology, FleetStore store, Deployments deployments) {
    this.topology = topology;
    this.store = store;
    this.deployments = deployments;
  }

  @Override
  public void createWorkspace(CreateWorkspaceRequest request, StreamObserver<WorkspaceInfo> responses) {
    AdminStatus.answer(responses, () -> {
      List<JwtIssuer> issuers = issuers(request.getJwtIssuersList());
      Workspace workspace;
      try {
        workspace = new Workspace(request.getId(), issuers, AdminMessages.policy(request.getPolicy()));
      } catch (IllegalArgumentException e) {
        throw AdminStatus.invalid(e.getMessage());
      }
      FleetState stored = store.update(state -> deployments.createWorkspace(state, workspace));
      return info(stored, stored.workspaces().get(workspace.id()));
    });
  }

  @Override
  public void setJwtIssuers(dev.gantry.proto.admin.v1.SetJwtIssuersRequest request, StreamObserver<WorkspaceInfo> responses) {
    AdminStatus.answer(responses, () -> {
      List<JwtIssuer> issuers = issuers(request.getJwtIssuersList());
      FleetState stored = store.update(state -> deployments.setJwtIssuers(state, request.getWorkspace(), issuers));
      return info(stored, stored.workspaces().get(request.getWorkspace()));
    });
  }

  /** Issuers from the API, each checked: an http(s) JWKS URL, at least one audience. */
  private static List<JwtIssuer> issuers(List<dev.gantry.proto.admin.v1.JwtIssuer> requested) {
    List<JwtIssuer> issuers = new ArrayList<>();
    for (dev.gantry.proto.admin.v1.JwtIssuer issuer : requested) {
      try {
        URI jwks = URI.create(issuer.getJwksUri());
        if (!"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) {
          throw new IllegalArgumentException("jwks_uri '" + issuer.getJwksUri() + "' (expected: an http(s) URL)");
        }
        issuers.add(new JwtIssuer(issuer.getIssuer(), jwks, issuer.getAudiencesList()));
      } catch (IllegalArgumentException e) {
        throw AdminStatus.invalid("issuer '" + issuer.getIssuer() + "': " + e.getMessage());
      }
    }
    return issuers;
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
        .setVersion(store.update(state -> deployments.deleteWorkspace(state, request.getId())).version())
        .build());
  }

  private WorkspaceInfo info(FleetState state, Workspace workspace) {
    WorkspaceInfo.Builder info = WorkspaceInfo.newBuilder()
        .setId(workspace.id())
        .setPolicy(AdminMessages.policy(workspace.policy()))
        .addAllAllowedRegions(LocationPolicy.allowedRegions(topology.catalog(), workspace.policy()))
        .setWorkloads((int) state.workloads().keySet().stream().filter(id -> id.workspace().equals(workspace.id())).count())
        .setVersion(state.version());
    workspace.jwtIssuers().forEach(i -> info.addJwtIssuers(dev.gantry.proto.admin.v1.JwtIssuer.newBuilder()
        .setIssuer(i.issuer()).setJwksUri(i.jwksUri().toString()).addAllAudiences(i.audiences())));
    return info.build();
  }
}
