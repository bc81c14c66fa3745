package dev.gantry.controlplane.access;

import com.google.protobuf.Message;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.pki.Identity;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.AuditServiceGrpc;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateAliasRequest;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.admin.v1.DeleteAliasRequest;
import dev.gantry.proto.admin.v1.DeleteSigningKeyRequest;
import dev.gantry.proto.admin.v1.DeleteWorkloadRequest;
import dev.gantry.proto.admin.v1.DeregisterReplicaRequest;
import dev.gantry.proto.admin.v1.GetWorkloadRequest;
import dev.gantry.proto.admin.v1.HeartbeatRequest;
import dev.gantry.proto.admin.v1.ListApiKeysRequest;
import dev.gantry.proto.admin.v1.ListReplicasRequest;
import dev.gantry.proto.admin.v1.ListReplicasResponse;
import dev.gantry.proto.admin.v1.ListSigningKeysRequest;
import dev.gantry.proto.admin.v1.ListWorkloadsRequest;
import dev.gantry.proto.admin.v1.ListWorkspacesResponse;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import dev.gantry.proto.admin.v1.Names;
import dev.gantry.proto.admin.v1.PolicyServiceGrpc;
import dev.gantry.proto.admin.v1.RegionServiceGrpc;
import dev.gantry.proto.admin.v1.PreviewServiceGrpc;
import dev.gantry.proto.admin.v1.CreatePreviewRequest;
import dev.gantry.proto.admin.v1.DeletePreviewRequest;
import dev.gantry.proto.admin.v1.CreatePreviewTokenRequest;
import dev.gantry.proto.admin.v1.RevokePreviewTokenRequest;
import dev.gantry.proto.admin.v1.RegisterReplicaRequest;
import dev.gantry.proto.admin.v1.RegisterSigningKeyRequest;
import dev.gantry.proto.admin.v1.ReplicaServiceGrpc;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import dev.gantry.proto.admin.v1.SetLocationPolicyRequest;
import dev.gantry.proto.admin.v1.SigningKeyServiceGrpc;
import dev.gantry.proto.admin.v1.StatusServiceGrpc;
import dev.gantry.proto.admin.v1.SetDomainCertificateRequest;
import dev.gantry.proto.admin.v1.UnbindDomainRequest;
import dev.gantry.proto.admin.v1.WorkloadServiceGrpc;
import dev.gantry.proto.admin.v1.WorkspaceServiceGrpc;
import dev.gantry.routing.WorkloadId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What each admin identity may call. Pure: a function of the caller, the method, the request and
 * the current state.
 *
 * <ul>
 *   <li>An operator may call everything.
 *   <li>A workspace admin may manage its own workspace's workloads, replicas, API keys, signing
 *       keys, aliases, domains and sandbox previews (and their tokens), read the regions and its
 *       own usage; lists are narrowed to its workspace; workspaces themselves, their issuers,
 *       policies and quotas, fleet status and the audit log are the operators'. A call that names another workspace's anything, or something that does not
 *       exist (so existence is not revealed), is refused.
 *   <li>A registrar may register, renew, remove and list replicas.
 *   <li>Gateways, sidecars and the control plane have no business on the admin API.
 * </ul>
 */
public final class AdminRules {

  /** What a rule decides. */
  public sealed interface Verdict {
    /** Allowed, with the request to pass on (perhaps narrowed) and a filter for the answers. */
    record Allow(Message request, UnaryOperator<Message> answers) implements Verdict {}

    /** Refused: why, for the caller. */
    record Deny(String why) implements Verdict {}
  }

  /** A workspace admin's rule for one method: its workspace, the request, the state. */
  private interface Rule {
    Verdict check(String workspace, Message request, FleetState state);
  }

  /** Methods that only read (not audited); every other admin method tries to change the fleet. */
  private static final Set<String> READS = Set.of(
      RegionServiceGrpc.getListRegionsMethod().getFullMethodName(),
      WorkspaceServiceGrpc.getListWorkspacesMethod().getFullMethodName(),
      WorkloadServiceGrpc.getGetWorkloadMethod().getFullMethodName(),
      WorkloadServiceGrpc.getListWorkloadsMethod().getFullMethodName(),
      ApiKeyServiceGrpc.getListApiKeysMethod().getFullMethodName(),
      SigningKeyServiceGrpc.getListSigningKeysMethod().getFullMethodName(),
      NameServiceGrpc.getListNamesMethod().getFullMethodName(),
      ReplicaServiceGrpc.getListReplicasMethod().getFullMethodName(),
      ReplicaServiceGrpc.getHeartbeatMethod().getFullMethodName(),   // renews a lease; writes no state
      StatusServiceGrpc.getGetStatusMethod().getFullMethodName(),
      AuditServiceGrpc.getListAuditMethod().getFullMethodName(),
      dev.gantry.proto.admin.v1.UsageServiceGrpc.getGetUsageMethod().getFullMethodName());

  private static final Set<String> REGISTRAR = Set.of(
      ReplicaServiceGrpc.getRegisterReplicaMethod().getFullMethodName(),
      ReplicaServiceGrpc.getHeartbeatMethod().getFullMethodName(),
      ReplicaServiceGrpc.getDeregisterReplicaMethod().getFullMethodName(),
      ReplicaServiceGrpc.getListReplicasMethod().getFullMethodName());

  private final Map<String, Rule> workspaceAdmin = new HashMap<>();

  public AdminRules() {
    rule(WorkloadServiceGrpc.getCreateWorkloadMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((CreateWorkloadRequest) r).getWorkload().getId(), r));
    rule(WorkloadServiceGrpc.getGetWorkloadMethod().getFullMethodName(), (w, r, s) -> own(w, ((GetWorkloadRequest) r).getId(), r));
    rule(WorkloadServiceGrpc.getDeleteWorkloadMethod().getFullMethodName(), (w, r, s) -> own(w, ((DeleteWorkloadRequest) r).getId(), r));
    rule(WorkloadServiceGrpc.getListWorkloadsMethod().getFullMethodName(), (w, r, s) -> {
      ListWorkloadsRequest list = (ListWorkloadsRequest) r;
      return list.getWorkspace().isEmpty() ? allow(list.toBuilder().setWorkspace(w).build()) : same(w, list.getWorkspace(), r);
    });
    rule(ApiKeyServiceGrpc.getCreateApiKeyMethod().getFullMethodName(), (w, r, s) -> same(w, ((CreateApiKeyRequest) r).getWorkspace(), r));
    // A workspace reads its own usage; its quotas are set by operators (a tenant never raises its own budget).
    rule(dev.gantry.proto.admin.v1.UsageServiceGrpc.getGetUsageMethod().getFullMethodName(),
        (w, r, s) -> same(w, ((dev.gantry.proto.admin.v1.GetUsageRequest) r).getWorkspace(), r));
    rule(ApiKeyServiceGrpc.getListApiKeysMethod().getFullMethodName(), (w, r, s) -> {
      ListApiKeysRequest list = (ListApiKeysRequest) r;
      return list.getWorkspace().isEmpty() ? allow(list.toBuilder().setWorkspace(w).build()) : same(w, list.getWorkspace(), r);
    });
    rule(ApiKeyServiceGrpc.getRevokeApiKeyMethod().getFullMethodName(), (w, r, s) -> {
      String id = ((RevokeApiKeyRequest) r).getId();
      boolean owned = s.workspaces().containsKey(w) && s.workspaces().get(w).apiKeys().stream().anyMatch(k -> k.id().equals(id));
      return owned ? allow(r) : new Verdict.Deny("API key '" + id + "' is not one of workspace '" + w + "'s");
    });
    rule(SigningKeyServiceGrpc.getRegisterSigningKeyMethod().getFullMethodName(),
        (w, r, s) -> same(w, ((RegisterSigningKeyRequest) r).getKey().getWorkspace(), r));
    rule(SigningKeyServiceGrpc.getListSigningKeysMethod().getFullMethodName(), (w, r, s) -> {
      ListSigningKeysRequest list = (ListSigningKeysRequest) r;
      return list.getWorkspace().isEmpty() ? allow(list.toBuilder().setWorkspace(w).build()) : same(w, list.getWorkspace(), r);
    });
    rule(SigningKeyServiceGrpc.getDeleteSigningKeyMethod().getFullMethodName(), (w, r, s) -> {
      String id = ((DeleteSigningKeyRequest) r).getKeyId();
      Workspace own = s.workspaces().get(w);
      return own != null && own.signingKeys().stream().anyMatch(k -> k.keyId().equals(id)) ? allow(r)
          : new Verdict.Deny("signing key '" + id + "' is not one of workspace '" + w + "'s");
    });
    rule(NameServiceGrpc.getCreateAliasMethod().getFullMethodName(), (w, r, s) -> {
      CreateAliasRequest alias = (CreateAliasRequest) r;
      Verdict target = own(w, alias.getAlias().getWorkload(), r);
      return target instanceof Verdict.Deny ? target : own(w, alias.getAlias().getAlias(), r);
    });
    rule(NameServiceGrpc.getDeleteAliasMethod().getFullMethodName(), (w, r, s) -> own(w, ((DeleteAliasRequest) r).getAlias(), r));
    rule(NameServiceGrpc.getBindDomainMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((BindDomainRequest) r).getDomain().getWorkload(), r));
    rule(NameServiceGrpc.getUnbindDomainMethod().getFullMethodName(),
        (w, r, s) -> boundInWorkspace(w, ((UnbindDomainRequest) r).getDomain(), s, r));
    rule(NameServiceGrpc.getSetDomainCertificateMethod().getFullMethodName(),
        (w, r, s) -> boundInWorkspace(w, ((SetDomainCertificateRequest) r).getDomain(), s, r));
    rule(NameServiceGrpc.getListNamesMethod().getFullMethodName(), (w, r, s) -> new Verdict.Allow(r, answer -> {
      Names names = (Names) answer;
      List<dev.gantry.proto.fleet.v1.CustomDomain> domains =
          names.getDomainsList().stream().filter(d -> inWorkspace(w, d.getWorkload())).toList();
      Set<String> own = domains.stream().map(dev.gantry.proto.fleet.v1.CustomDomain::getDomain).collect(java.util.stream.Collectors.toSet());
      return names.toBuilder().clearAliases().clearDomains().clearCertificates()
          .addAllAliases(names.getAliasesList().stream().filter(a -> inWorkspace(w, a.getWorkload())).toList())
          .addAllDomains(domains)
          .addAllCertificates(names.getCertificatesList().stream().filter(c -> own.contains(c.getName())).toList())
          .build();
    }));
    rule(PolicyServiceGrpc.getSetLocationPolicyMethod().getFullMethodName(), (w, r, s) -> {
      SetLocationPolicyRequest policy = (SetLocationPolicyRequest) r;
      return policy.hasWorkload() ? own(w, policy.getWorkload(), r)
          : new Verdict.Deny("a workspace's policy is set by operators");
    });
    rule(ReplicaServiceGrpc.getRegisterReplicaMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((RegisterReplicaRequest) r).getReplica().getWorkload(), r));
    rule(ReplicaServiceGrpc.getHeartbeatMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((HeartbeatRequest) r).getReplica().getWorkload(), r));
    rule(ReplicaServiceGrpc.getDeregisterReplicaMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((DeregisterReplicaRequest) r).getReplica().getWorkload(), r));
    rule(ReplicaServiceGrpc.getListReplicasMethod().getFullMethodName(), (w, r, s) -> {
      String workload = ((ListReplicasRequest) r).getWorkload();
      if (!workload.isEmpty()) {
        return own(w, workload, r);
      }
      return new Verdict.Allow(r, answer -> {
        ListReplicasResponse list = (ListReplicasResponse) answer;
        return list.toBuilder().clearReplicas()
            .addAllReplicas(list.getReplicasList().stream().filter(x -> inWorkspace(w, x.getReplica().getWorkload())).toList())
            .build();
      });
    });
    rule(WorkspaceServiceGrpc.getListWorkspacesMethod().getFullMethodName(), (w, r, s) -> new Verdict.Allow(r, answer -> {
      ListWorkspacesResponse list = (ListWorkspacesResponse) answer;
      return list.toBuilder().clearWorkspaces()
          .addAllWorkspaces(list.getWorkspacesList().stream().filter(x -> x.getWorkspace().getId().equals(w)).toList())
          .build();
    }));
    rule(RegionServiceGrpc.getListRegionsMethod().getFullMethodName(), (w, r, s) -> allow(r));
    rule(PreviewServiceGrpc.getCreatePreviewMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((CreatePreviewRequest) r).getWorkload(), r));
    rule(PreviewServiceGrpc.getDeletePreviewMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((DeletePreviewRequest) r).getWorkload(), r));
    rule(PreviewServiceGrpc.getCreatePreviewTokenMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((CreatePreviewTokenRequest) r).getWorkload(), r));
    rule(PreviewServiceGrpc.getRevokePreviewTokenMethod().getFullMethodName(),
        (w, r, s) -> own(w, ((RevokePreviewTokenRequest) r).getWorkload(), r));
  }

  private void rule(String method, Rule rule) {
    workspaceAdmin.put(method, rule);
  }

  /** True when {@code method} may change the fleet: such calls are audited, refused ones too. */
  public static boolean isWrite(String method) {
    return !READS.contains(method);
  }

  /** Whether {@code caller} may make this call. */
  public Verdict check(Identity caller, String method, Message request, FleetState state) {
    if (caller == null) {
      return new Verdict.Deny("no client identity");
    }
    return switch (caller.role()) {
      case OPERATOR -> allow(request);
      case REGISTRAR -> REGISTRAR.contains(method) ? allow(request)
          : new Verdict.Deny(caller + " may only register, renew and remove replicas");
      case WORKSPACE_ADMIN -> {
        Rule rule = workspaceAdmin.get(method);
        yield rule == null
            ? new Verdict.Deny(method + " is for operators; " + caller + " manages workspace '" + caller.workspace() + "' only")
            : rule.check(caller.workspace(), request, state);
      }
      case GATEWAY, AUTHZ, CONTROL_PLANE, SCRAPER, COLLECTOR -> new Verdict.Deny(caller + " has no business on the admin API");
    };
  }

  private static Verdict allow(Message request) {
    return new Verdict.Allow(request, UnaryOperator.identity());
  }

  private static Verdict same(String workspace, String named, Message request) {
    return workspace.equals(named) ? allow(request)
        : new Verdict.Deny("workspace '" + named + "' is not yours (you manage workspace '" + workspace + "')");
  }

  /** Allowed when {@code workloadId} is a workload id of {@code workspace}; a malformed id is for the service to refuse. */
  private static Verdict own(String workspace, String workloadId, Message request) {
    WorkloadId id;
    try {
      id = WorkloadId.parse(workloadId);
    } catch (IllegalArgumentException e) {
      return allow(request);
    }
    return id.workspace().equals(workspace) ? allow(request)
        : new Verdict.Deny("'" + workloadId + "' belongs to workspace '" + id.workspace() + "', not yours (you manage workspace '"
            + workspace + "')");
  }

  private static boolean inWorkspace(String workspace, String workloadId) {
    try {
      return WorkloadId.parse(workloadId).workspace().equals(workspace);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Verdict boundInWorkspace(String workspace, String rawDomain, FleetState state, Message request) {
    String domain = rawDomain.toLowerCase(java.util.Locale.ROOT);
    Routing.CustomDomain bound = state.routing().customDomains().get(domain);
    return bound != null && bound.workload().workspace().equals(workspace) ? allow(request)
        : new Verdict.Deny("domain '" + domain + "' is not bound to a workload of workspace '" + workspace + "'");
  }
}
