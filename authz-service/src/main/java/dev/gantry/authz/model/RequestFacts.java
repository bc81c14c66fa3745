package dev.gantry.authz.model;

import java.util.Map;

/**
 * What the decision needs to know of a request, free of any transport type.
 *
 * @param authority the Host / :authority as the client sent it
 * @param method the HTTP method
 * @param path the path with query, as the client sent it
 * @param headers request headers by lower-case name (Envoy joins repeated ones with ',')
 * @param listener which of the gateway's listeners received it
 * @param body the request body when Envoy sent it (signed requests with content-digest), else empty
 * @param scheme the scheme the client used, {@code http} or {@code https} (Envoy's {@code :scheme})
 */
public record RequestFacts(
    String authority, String method, String path, Map<String, String> headers, Listener listener, byte[] body,
    String scheme) {

  /** Where a request entered this gateway; Envoy says so in the Check's context extensions. */
  public enum Listener {
    /** The public listener: clients. */
    PUBLIC,
    /** The internal listener: peer gateways forwarding a request a client sent to them. */
    INTERNAL
  }

  /**
   * {@code <scheme>://<authority>} as the client used them ({@code https} unless Envoy said
   * {@code http}): where the gateway's own answers point back to.
   */
  public String origin() {
    return ("http".equals(scheme) ? "http" : "https") + "://" + authority;
  }

  /** A request sent over HTTPS. */
  public RequestFacts(
      String authority, String method, String path, Map<String, String> headers, Listener listener, byte[] body) {
    this(authority, method, path, headers, listener, body, "https");
  }

  /** A request without its body. */
  public RequestFacts(String authority, String method, String path, Map<String, String> headers, Listener listener) {
    this(authority, method, path, headers, listener, new byte[0]);
  }

  /** A request a client sent to the public listener, without its body. */
  public RequestFacts(String authority, String method, String path, Map<String, String> headers) {
    this(authority, method, path, headers, Listener.PUBLIC);
  }
}
