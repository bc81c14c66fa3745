package dev.gantry.authz.engine;

import java.util.List;
import java.util.Map;

/** What the authz-service answers for one request: admit it, refuse it, or answer it itself. */
public sealed interface Decision {

  /**
   * Admit the request.
   *
   * @param cluster the Envoy cluster to send it to
   * @param headersToSet headers added to the request, replacing any of the same name
   * @param headersToRemove request headers to remove (client-sent gateway headers)
   * @param forwarded whether the request goes on to a peer gateway (the workload is not deployed
   *     here) rather than to a local replica
   */
  record Allow(String cluster, Map<String, String> headersToSet, List<String> headersToRemove, boolean forwarded)
      implements Decision {

    /** Admit the request to a local replica. */
    public Allow(String cluster, Map<String, String> headersToSet, List<String> headersToRemove) {
      this(cluster, headersToSet, headersToRemove, false);
    }
  }

  /**
   * Refuse the request; the client gets {@code httpStatus} and a JSON body.
   *
   * @param httpStatus the HTTP status the client receives
   * @param reason a stable machine-readable code, e.g. {@code unknown-workload}
   * @param message what was wrong and what was expected, for people
   * @param responseHeaders extra response headers, e.g. {@code www-authenticate}
   */
  record Deny(int httpStatus, String reason, String message, Map<String, String> responseHeaders)
      implements Decision {

    public Deny(int httpStatus, String reason, String message) {
      this(httpStatus, reason, message, Map.of());
    }
  }

  /**
   * The gateway answers the request itself, with a document it serves on the workload's behalf
   * (an MCP server's protected resource metadata): no workload sees the request.
   *
   * @param httpStatus the HTTP status the client receives
   * @param reason a stable machine-readable code of what was answered, e.g. {@code
   *     protected-resource-metadata}
   * @param contentType the body's media type
   * @param body the body
   * @param responseHeaders extra response headers
   */
  record Answer(int httpStatus, String reason, String contentType, String body, Map<String, String> responseHeaders)
      implements Decision {

    public Answer {
      responseHeaders = Map.copyOf(responseHeaders);
    }
  }
}
