package dev.gantry.pki;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who a part of Gantry is, as its certificate says in a URI subject alternative name
 * (SPIFFE-style): {@code spiffe://gantry/<role>/<scope>}.
 *
 * <ul>
 *   <li>{@code gateway/<region>}: the Envoy gateway of a region (peer gateways' internal
 *       listeners, the control plane's ADS);
 *   <li>{@code authz/<region>}: the authz sidecar of a region's gateway (the snapshot stream);
 *   <li>{@code control-plane}: the control plane (its servers);
 *   <li>{@code operator/<name>}: an operator of the whole fleet (the admin API, everything);
 *   <li>{@code workspace-admin/<workspace>/<name>}: manages one workspace's workloads, keys and
 *       domains (the admin API, that workspace only);
 *   <li>{@code registrar/<name>}: registers and renews workload replicas (the replica API only);
 *   <li>{@code scraper/<name>}: reads the services' metrics endpoints (Prometheus), nothing else;
 *   <li>{@code collector/<name>}: receives the parts' traces (the trace collector's server
 *       certificate, which the gateways check), nothing else.
 * </ul>
 *
 * @param role what the part is
 * @param scope the region, workspace/name or name the role is for; empty for the control plane
 */
public record Identity(Role role, String scope) {

  /** The trust domain every Gantry identity is in. */
  public static final String TRUST_DOMAIN = "gantry";

  /** What a part of Gantry is. */
  public enum Role {
    GATEWAY("gateway"),
    AUTHZ("authz"),
    CONTROL_PLANE("control-plane"),
    OPERATOR("operator"),
    WORKSPACE_ADMIN("workspace-admin"),
    REGISTRAR("registrar"),
    SCRAPER("scraper"),
    COLLECTOR("collector");

    private final String path;

    Role(String path) {
      this.path = path;
    }

    /** The role's first path segment. */
    public String path() {
      return path;
    }
  }

  public Identity {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(scope, "scope");
    boolean valid = switch (role) {
      case CONTROL_PLANE -> scope.isEmpty();
      case WORKSPACE_ADMIN -> scope.matches("[a-z0-9]+/[a-z0-9][a-z0-9.-]{0,62}");
      default -> scope.matches("[a-z0-9][a-z0-9.-]{0,62}");
    };
    if (!valid) {
      throw new IllegalArgumentException("identity " + role.path() + " '" + scope + "' (expected: "
          + switch (role) {
            case CONTROL_PLANE -> "no scope";
            case WORKSPACE_ADMIN -> "<workspace>/<name>, lower case";
            default -> "a region id or name: lower-case letters, digits, '.' and '-'";
          } + ")");
    }
  }

  public static Identity gateway(String region) {
    return new Identity(Role.GATEWAY, region);
  }

  public static Identity authz(String region) {
    return new Identity(Role.AUTHZ, region);
  }

  public static Identity controlPlane() {
    return new Identity(Role.CONTROL_PLANE, "");
  }

  public static Identity operator(String name) {
    return new Identity(Role.OPERATOR, name);
  }

  public static Identity workspaceAdmin(String workspace, String name) {
    return new Identity(Role.WORKSPACE_ADMIN, workspace + "/" + name);
  }

  public static Identity registrar(String name) {
    return new Identity(Role.REGISTRAR, name);
  }

  public static Identity scraper(String name) {
    return new Identity(Role.SCRAPER, name);
  }

  public static Identity collector(String name) {
    return new Identity(Role.COLLECTOR, name);
  }

  /** The region of a gateway or sidecar identity; null for others. */
  public String region() {
    return role == Role.GATEWAY || role == Role.AUTHZ ? scope : null;
  }

  /** The workspace of a workspace admin; null for others. */
  public String workspace() {
    return role == Role.WORKSPACE_ADMIN ? scope.substring(0, scope.indexOf('/')) : null;
  }

  /** {@code spiffe://gantry/<role>[/<scope>]}. */
  public URI uri() {
    return URI.create("spiffe://" + TRUST_DOMAIN + "/" + role.path() + (scope.isEmpty() ? "" : "/" + scope));
  }

  @Override
  public String toString() {
    return uri().toString();
  }

  /**
   * The identity a URI names.
   *
   * @throws IllegalArgumentException when it is not a Gantry identity
   */
  public static Identity parse(String uri) {
    String prefix = "spiffe://" + TRUST_DOMAIN + "/";
    if (uri == null || !uri.startsWith(prefix)) {
      throw new IllegalArgumentException("identity '" + uri + "' (expected: " + prefix + "<role>/...)");
    }
    String path = uri.substring(prefix.length());
    int slash = path.indexOf('/');
    String rolePath = slash < 0 ? path : path.substring(0, slash);
    String scope = slash < 0 ? "" : path.substring(slash + 1);
    for (Role role : Role.values()) {
      if (role.path().equals(rolePath.toLowerCase(Locale.ROOT))) {
        return new Identity(role, scope);
      }
    }
    throw new IllegalArgumentException("identity '" + uri + "': no role '" + rolePath + "'");
  }

  /**
   * The identity a certificate carries: its one {@code spiffe://gantry/} URI SAN.
   *
   * @throws IllegalArgumentException when it carries none, or several
   */
  public static Identity of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("certificate of " + certificate.getSubjectX500Principal() + ": unreadable SAN", e);
    }
    Identity found = null;
    if (names != null) {
      for (List<?> name : names) {
        // 6: uniformResourceIdentifier (RFC 5280 GeneralName).
        if (Integer.valueOf(6).equals(name.get(0)) && String.valueOf(name.get(1)).startsWith("spiffe://" + TRUST_DOMAIN + "/")) {
          if (found != null) {
            throw new IllegalArgumentException("certificate of " + certificate.getSubjectX500Principal() + " names two identities");
          }
          found = parse(String.valueOf(name.get(1)));
        }
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("certificate of " + certificate.getSubjectX500Principal() + " names no Gantry identity");
    }
    return found;
  }
}
