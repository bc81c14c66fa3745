package dev.gantry.demo;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions one demo replica issued on {@code /mcp}, as an MCP server over the streamable HTTP
 * transport keeps them: a request without {@code Mcp-Session-Id} starts one, a request naming one
 * this replica did not issue is answered 404 (the client then starts again). What lets a test see
 * whether the gateway sent each session's requests to the replica that issued it.
 */
final class McpSessions {

  /** The MCP session header (lower case, as HTTP/2 sends it). */
  static final String HEADER = "mcp-session-id";

  /** More than this many live sessions: the oldest are not tracked (a demo's bound, not MCP's). */
  private static final int MAX_SESSIONS = 100_000;

  private final Set<String> issued = ConcurrentHashMap.newKeySet();

  /** A new session's id: visible ASCII, as MCP asks. */
  String start() {
    if (issued.size() >= MAX_SESSIONS) {
      issued.clear();
    }
    String id = UUID.randomUUID().toString();
    issued.add(id);
    return id;
  }

  /** Whether this replica issued {@code id} and has not ended it. */
  boolean holds(String id) {
    return issued.contains(id);
  }

  /** Ends {@code id} (a client's DELETE); whether it was held. */
  boolean end(String id) {
    return issued.remove(id);
  }
}
