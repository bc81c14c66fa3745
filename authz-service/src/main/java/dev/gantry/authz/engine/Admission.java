package dev.gantry.authz.engine;

import dev.gantry.authz.credential.ApiKeyAuthenticator;
import dev.gantry.authz.credential.Audience;
import dev.gantry.authz.credential.Authentication;
import dev.gantry.authz.credential.BearerCredential;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.MessageSignatures;
import dev.gantry.authz.credential.Principal;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.routing.WorkloadId;
import java.util.Map;

/**
 * Who may reach a private workload: the request's credential, whichever kind, must act for the
 * workload's workspace and carry its product's scope; at an MCP server a token must also name
 * the server's resource ({@link McpResource}), and every challenge points at the server's
 * protected resource metadata. Decided from the workload's name alone —
 * the same answers whether the workload exists or not — so a caller learns nothing of a
 * workspace's workloads before it proves it acts for that workspace.
 */
final class Admission {

  /** What the credential check decided. */
  sealed interface Checked {}

  /** Refused: the answer to give. */
  record Refused(Decision.Deny deny) implements Checked {}

  /** Admitted: who is calling. */
  record Admitted(Principal principal) implements Checked {}

  private final JwtAuthenticator jwt;
  private final ApiKeyAuthenticator apiKeys;
  private final MessageSignatures signatures;

  Admission(JwtAuthenticator jwt, ApiKeyAuthenticator apiKeys, MessageSignatures signatures) {
    this.jwt = jwt;
    this.apiKeys = apiKeys;
    this.signatures = signatures;
  }

  /**
   * Checks the request's credential for the private workload {@code id}.
   *
   * @param named the name the request used (an alias, or {@code id} itself): what the refusals say
   */
  Checked check(WorkloadId id, WorkloadId named, RequestFacts request, AuthzSnapshot snapshot) {
    boolean mcp = McpResource.isMcp(id);
    if (mcp && McpResource.tokenInQuery(request.path())) {
      return new Refused(new Decision.Deny(
          400, "token-in-query",
          "MCP server '" + named + "' takes no token in the URL (expected: Authorization: Bearer <token>; a token"
              + " in a query string ends up in logs)",
          Map.of("www-authenticate", McpResource.challenge(id, request, "invalid_request"))));
    }
    Authentication authentication = switch (BearerCredential.from(request.headers())) {
      case BearerCredential.Absent absent -> null;
      case BearerCredential.Preview preview -> new Authentication.Refused("preview-token-not-accepted",
          "a preview token opens one port of a sandbox by its preview URL, nothing else (expected: a credential of"
              + " workspace '" + named.workspace() + "')");
      case BearerCredential.Unusable unusable -> new Authentication.Refused(unusable.reason(), unusable.message());
      case BearerCredential.Token token -> jwt.authenticate(token.token(), id.workspace(), snapshot.workspaces(),
          mcp ? McpResource.audience(id, snapshot) : Audience.ISSUERS);
      case BearerCredential.Key key -> apiKeys.authenticate(key.key(), snapshot.apiKeys());
      case BearerCredential.Signed signed -> signatures.verify(request, snapshot.signingKeys(), request.body());
    };
    if (authentication == null) {
      return new Refused(new Decision.Deny(
          401,
          "credentials-required",
          "workload '" + named + "' is private (expected: Authorization: Bearer <token or API key of workspace '"
              + named.workspace() + "'>, or X-Api-Key: <key>)",
          Map.of("www-authenticate", mcp ? McpResource.challenge(id, request, null) : "Bearer realm=\"gantry\"")));
    }
    if (authentication instanceof Authentication.Refused refused) {
      return new Refused(mcp
          ? new Decision.Deny(401, refused.reason(), refused.message(),
              Map.of("www-authenticate", McpResource.challenge(id, request, "invalid_token")))
          : invalid(refused.reason(), refused.message()));
    }
    Principal principal = ((Authentication.Authenticated) authentication).principal();
    if (!principal.workspace().equals(id.workspace())) {
      return new Refused(new Decision.Deny(
          403, "wrong-workspace",
          "the credential acts for workspace '" + principal.workspace() + "', not for workload '" + named + "'"));
    }
    String scope = id.product().scope();
    if (!principal.scopes().contains(scope)) {
      return new Refused(new Decision.Deny(
          403, "insufficient-scope", "the credential lacks scope '" + scope + "' for workload '" + named + "'",
          Map.of("www-authenticate", mcp ? McpResource.challenge(id, request, "insufficient_scope")
              : "Bearer realm=\"gantry\", error=\"insufficient_scope\", scope=\"" + scope + "\"")));
    }
    return new Admitted(principal);
  }

  static Decision.Deny invalid(String reason, String message) {
    return new Decision.Deny(
        401, reason, message, Map.of("www-authenticate", "Bearer realm=\"gantry\", error=\"invalid_token\""));
  }
}
