package dev.gantry.cli;

import dev.gantry.proto.admin.v1.CreateWorkspaceRequest;
import dev.gantry.proto.admin.v1.DeleteWorkspaceRequest;
import dev.gantry.proto.fleet.v1.JwtIssuer;
import dev.gantry.proto.fleet.v1.Workspace;
import dev.gantry.proto.admin.v1.ListWorkspacesRequest;
import dev.gantry.proto.admin.v1.WorkspaceServiceGrpc;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "workspace", mixinStandardHelpOptions = true, description = "Create, list and delete workspaces.",
    subcommands = {WorkspaceCommand.Create.class, WorkspaceCommand.List.class, WorkspaceCommand.Delete.class})
final class WorkspaceCommand {

  static WorkspaceServiceGrpc.WorkspaceServiceBlockingStub stub(io.grpc.Channel channel) {
    return WorkspaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a workspace.")
  static final class Create extends Admin implements Runnable {
    @Parameters(paramLabel = "ID", description = "lower-case letters and digits, e.g. acme")
    String id;

    @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "trust tokens with this exact iss (with --jwks-uri)")
    String issuer;

    @Option(names = "--jwks-uri", paramLabel = "URL", description = "where that issuer's keys are served")
    String jwksUri;

    @Option(names = "--audience", paramLabel = "AUD", description = "accepted aud (repeatable; default gantry)")
    java.util.List<String> audiences = new ArrayList<>();

    @Option(names = "--authorization-server", description = "that issuer is the workspace's OAuth 2.1 authorization"
        + " server: its MCP servers' protected resource metadata lists it (its iss: an http or https URL)")
    boolean authorizationServer;

    @ArgGroup(exclusive = false, heading = "Its location policy:%n")
    Policies policy;

    @Override
    public void run() {
      Workspace.Builder request = Workspace.newBuilder().setId(id);
      if ((issuer == null) != (jwksUri == null)) {
        throw new IllegalArgumentException("--jwt-issuer and --jwks-uri go together");
      }
      if (authorizationServer && issuer == null) {
        throw new IllegalArgumentException("--authorization-server marks the --jwt-issuer (expected: both)");
      }
      if (issuer != null) {
        request.addJwtIssuers(JwtIssuer.newBuilder().setIssuer(issuer).setJwksUri(jwksUri)
            .addAllAudiences(audiences.isEmpty() ? java.util.List.of("gantry") : audiences)
            .setAuthorizationServer(authorizationServer));
      }
      if (policy != null) {
        request.setPolicy(policy.toProto());
      }
      var created = call(channel -> stub(channel).createWorkspace(
          CreateWorkspaceRequest.newBuilder().setWorkspace(request).build()));
      print(created, w -> "created workspace " + w.getWorkspace().getId() + ": policy " + Policies.describe(w.getWorkspace().getPolicy())
          + " → allowed " + String.join(", ", w.getAllowedRegionsList()) + System.lineSeparator());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
  static final class List extends Admin implements Runnable {
    @Override
    public void run() {
      var list = call(channel -> stub(channel).listWorkspaces(ListWorkspacesRequest.getDefaultInstance()));
      print(list, l -> {
        Table table = new Table("WORKSPACE", "WORKLOADS", "POLICY", "JWT ISSUERS");
        l.getWorkspacesList().forEach(w -> table.row(w.getWorkspace().getId(), w.getWorkloads(),
            Policies.describe(w.getWorkspace().getPolicy()), w.getWorkspace().getJwtIssuersList().stream()
                .map(i -> i.getIssuer() + (i.getAuthorizationServer() ? " (authorization server)" : "")).reduce((x, y) -> x + "," + y).orElse("-")));
        return table.toString();
      });
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a workspace without workloads.")
  static final class Delete extends Admin implements Runnable {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public void run() {
      var deleted = call(channel -> stub(channel).deleteWorkspace(DeleteWorkspaceRequest.newBuilder().setId(id).build()));
      print(deleted, d -> "deleted workspace " + id + " (state version " + d.getVersion() + ")" + System.lineSeparator());
    }
  }
}
