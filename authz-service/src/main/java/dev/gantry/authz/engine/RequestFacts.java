package dev.gantry.authz.engine;

import java.util.Map;

/**
 * What the decision needs to know of a request, free of any transport type.
 *
 * @param authority the Host / :authority as the client sent it
 * @param method the HTTP method
 * @param path the path with query, as the client sent it
 * @param headers request headers by lower-case name (Envoy joins repeated ones with ',')
 */
public record RequestFacts(String authority, String method, String path, Map<String, String> headers) {}
