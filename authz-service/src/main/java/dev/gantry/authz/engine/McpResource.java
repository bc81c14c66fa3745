package dev.gantry.authz.engine;

import dev.gantry.authz.credential.Audience;
import dev.gantry.authz.credential.Authentication;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.model.IssuerEntry;
import dev.gantry.authz.model.RequestFacts;
import dev.gantry.authz.model.WorkspaceEntry;
import dev.gantry.routing.Product;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A private MCP server as an OAuth 2.1 protected resource, done by the gateway so the server
 * needs no code for it (MCP authorization, revisions 2025-06-18 and 2025-11-25):
 *
 * <ul>
 *   <li>its protected resource metadata (RFC 9728), at {@code /.well-known/oauth-protected-resource}
 *       and the path-suffixed form, whose {@code resource} is the URL the client used — each name
 *       of the server (regional, group, global, custom domain) gets its own document;
 *   <li>the {@code WWW-Authenticate} challenge of a 401 or 403, pointing at that document;
 *   <li>audience binding (RFC 8707): a token must name one of the server's resource URIs in
 *       {@code aud} — any URL whose host names this server, by any of its names, any port and
 *       path — so a token minted for another MCP server, or for the agent API, is refused; and it
 *       must come from an issuer the workspace marked as its authorization server.
 * </ul>
 *
 * Answers are the same whether the server exists or not (its name alone decides them), as for
 * every private workload. Pure.
 */
final class McpResource {

  /** The well-known path of protected resource metadata (RFC 9728 §3). */
  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  /** The reason of a token whose {@code aud} names no resource URI of the MCP server. */
  static final String WRONG_RESOURCE = "wrong-resource";

  /** What a path-suffixed form may carry after the well-known path: a URL path, nothing to escape. */
  private static final Pattern RESOURCE_PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*");

  private McpResource() {}

  /** Whether {@code id} is an MCP server's. */
  static boolean isMcp(WorkloadId id) {
    return id.product() == Product.MCP_SERVER;
  }

  /**
   * Whether the request asks for protected resource metadata: a GET or HEAD of the well-known
   * path, or of its path-suffixed form (the resource's path appended, RFC 9728 §3.1).
   */
  static boolean asksForMetadata(RequestFacts request) {
    // Asked of every client's request: the common answer costs one comparison.
    if (request.path() == null || !request.path().startsWith(WELL_KNOWN)) {
      return false;
    }
    String path = pathOf(request.path());
    if (!("GET".equals(request.method()) || "HEAD".equals(request.method()))) {
      return false;
    }
    String suffix = path.substring(WELL_KNOWN.length());
    return suffix.isEmpty() || (suffix.startsWith("/") && RESOURCE_PATH.matcher(suffix).matches());
  }

  /**
   * The protected resource metadata of the MCP server {@code id} (its workspace's), for the URL
   * the client used: {@code resource} is the request's scheme and authority, and the path of the
   * path-suffixed form. {@code authorization_servers} are the workspace's issuers marked as such
   * (none when it has none, or does not exist).
   */
  static Decision.Answer metadata(WorkloadId id, RequestFacts request, AuthzSnapshot snapshot) {
    String suffix = pathOf(request.path()).substring(WELL_KNOWN.length());
    String resource = origin(request) + (suffix.equals("/") ? "" : suffix);
    StringBuilder json = new StringBuilder(256).append("{\"resource\":");
    JsonStrings.quote(json, resource);
    json.append(",\"authorization_servers\":[");
    String separator = "";
    for (String server : authorizationServers(id.workspace(), snapshot)) {
      json.append(separator);
      JsonStrings.quote(json, server);
      separator = ",";
    }
    json.append("],\"scopes_supported\":[");
    JsonStrings.quote(json, id.product().scope());
    json.append("],\"bearer_methods_supported\":[\"header\"],\"resource_name\":");
    JsonStrings.quote(json, id.toString());
    json.append("}\n");
    return new Decision.Answer(200, "protected-resource-metadata", "application/json", json.toString(), Map.of(
        // Public, credential-free, and read by browser-based MCP clients from other origins.
        "access-control-allow-origin", "*",
        "cache-control", "max-age=60"));
  }

  /** The issuers of {@code workspace} that are its authorization servers, sorted. */
  private static TreeSet<String> authorizationServers(String workspace, AuthzSnapshot snapshot) {
    TreeSet<String> servers = new TreeSet<>();
    WorkspaceEntry entry = snapshot.workspaces().get(workspace);
    if (entry != null) {
      for (IssuerEntry issuer : entry.issuers()) {
        if (issuer.authorizationServer()) {
          servers.add(issuer.issuer());
        }
      }
    }
    return servers;
  }

  /**
   * The {@code WWW-Authenticate} value of a 401 or 403 from the MCP server {@code id}: the
   * metadata's URL for the host the client used, the scope the server needs, and the error
   * (null for a request that carried no credential, RFC 6750 §3.1).
   */
  static String challenge(WorkloadId id, RequestFacts request, String error) {
    StringBuilder value = new StringBuilder(160).append("Bearer realm=\"gantry\", ");
    if (error != null) {
      value.append("error=\"").append(error).append("\", ");
    }
    return value.append("resource_metadata=\"").append(origin(request)).append(WELL_KNOWN)
        .append("\", scope=\"").append(id.product().scope()).append('"').toString();
  }

  /**
   * The rule a token's {@code aud} must meet at the MCP server {@code id}: one of its values is
   * an http(s) URL, without fragment or user info, whose host names this server — by the grammar
   * (any location), an alias, or a custom domain — on the names of {@code snapshot}.
   */
  static Audience audience(WorkloadId id, AuthzSnapshot snapshot) {
    return (audiences, issuer) -> {
      if (audiences != null) {
        for (String aud : audiences) {
          if (names(aud, id, snapshot)) {
            // Only an authorization server of the workspace decides who gets tokens for its MCP
            // servers; an issuer it trusts for the agent API (whose audiences may be shared) does not.
            return issuer.authorizationServer() ? null : new Authentication.Refused("not-authorization-server",
                "issuer '" + issuer.issuer() + "' is not an authorization server of the workspace (expected: a token of"
                    + " an issuer marked authorization_server)");
          }
        }
      }
      return new Authentication.Refused(WRONG_RESOURCE, "audience " + Audience.quoted(audiences)
          + " names no resource URI of this MCP server (expected: the URL the client uses, as it asked its"
          + " authorization server for with resource=)");
    };
  }

  private static boolean names(String aud, WorkloadId id, AuthzSnapshot snapshot) {
    URI uri;
    try {
      uri = new URI(aud);
    } catch (URISyntaxException e) {
      return false;
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getRawAuthority() == null
        || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return false;
    }
    RequestFacts asRequest = new RequestFacts(uri.getRawAuthority(), "GET", "/", Map.of());
    return switch (Addressing.resolve(snapshot, asRequest)) {
      case Addressing.Addressed addressed -> addressed.canonicalHost() == null && addressed.previewPort() == 0
          && addressed.workload().id().equals(id);
      case Addressing.Unknown unknown -> unknown.previewPort() == 0 && unknown.id().equals(id);
      case Addressing.Refused refused -> false;
    };
  }

  /**
   * Whether the query carries an {@code access_token} parameter: OAuth 2.1 (§5.2) forbids
   * tokens in URLs — they end up in logs and histories — so such a request is refused rather
   * than served with the token passed on.
   */
  static boolean tokenInQuery(String path) {
    int query = path == null ? -1 : path.indexOf('?');
    if (query < 0) {
      return false;
    }
    for (String parameter : path.substring(query + 1).split("&", -1)) {
      int equals = parameter.indexOf('=');
      if ((equals < 0 ? parameter : parameter.substring(0, equals)).equals("access_token")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code <scheme>://<authority>} as the client used them. The authority named this server by
   * the grammar or a bound custom domain, so it is a DNS name and digits of a port: nothing in
   * it needs escaping in a header's quoted string.
   */
  private static String origin(RequestFacts request) {
    return request.origin().toLowerCase(java.util.Locale.ROOT);
  }

  private static String pathOf(String path) {
    if (path == null) {
      return "";
    }
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
