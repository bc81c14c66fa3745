package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import dev.gantry.proto.envoy.envelope.v3.EnvelopeSessionState;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * MCP session affinity: a request carrying {@code Mcp-Session-Id} reaches the replica that
 * issued the session (MCP's streamable HTTP transport keeps state per session), through Envoy's
 * stateful session filter with the envelope state:
 *
 * <ul>
 *   <li>on a response that carries the header, Envoy appends the upstream host it chose to the
 *       server's value ({@code <base64 ip:port>;UV:<base64 value>}); the client sends that value
 *       back as it is, as MCP asks of it;
 *   <li>on a request, Envoy takes its part off, restores the server's value and sends the request
 *       to that host — in whatever priority of the cluster it is, so also across the regional,
 *       group and global hostname of the same replica's region;
 *   <li>strict: a host no longer in the cluster (its replica deregistered or its lease ran out,
 *       or, for a forwarded session, the peer region without replicas) is never replaced by
 *       another; the client gets 404 {@code session-gone} ({@link GatewayLocalReplies}), MCP's
 *       answer for a session the server no longer holds, and starts a new session.
 * </ul>
 *
 * Every gateway on the way adds its own envelope (the entry gateway's names the peer gateway, the
 * peer's the replica), and each takes its own off again. What a client can do with it: read the
 * replica's address (base64, not a secret), and name another host of the same cluster — one the
 * sidecar admitted it to anyway; never a host outside the cluster its request was admitted to.
 * A request without the header, or with a value Envoy did not envelope, is balanced as usual.
 */
final class McpSessions {

  /** The MCP session header (HTTP/2 spelling; HTTP/1.1 names are case-insensitive). */
  static final String HEADER = "mcp-session-id";

  private McpSessions() {}

  /** The HTTP filter, between ext_authz (which chose the cluster) and the router (which picks the host). */
  static HttpFilter filter() {
    EnvelopeSessionState envelope = EnvelopeSessionState.newBuilder()
        .setHeader(EnvelopeSessionState.Header.newBuilder().setName(HEADER))
        .build();
    StatefulSession session = StatefulSession.newBuilder()
        .setSessionState(TypedExtensionConfig.newBuilder()
            .setName("envoy.http.stateful_session.envelope")
            .setTypedConfig(Any.pack(envelope, "type.googleapis.com")))
        .setStrict(true)
        .build();
    return HttpFilter.newBuilder()
        .setName("envoy.filters.http.stateful_session")
        .setTypedConfig(Any.pack(session))
        .build();
  }
}
