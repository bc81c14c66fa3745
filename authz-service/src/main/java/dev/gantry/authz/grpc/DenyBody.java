package dev.gantry.authz.grpc;

import dev.gantry.authz.engine.Decision;

/** The JSON body of a deny: {@code {"error": "...", "reason": "<stable-code>"}}. */
final class DenyBody {

  private DenyBody() {}

  static String json(Decision.Deny deny) {
    StringBuilder out = new StringBuilder(64 + deny.message().length());
    out.append("{\"error\":");
    quote(out, deny.message());
    out.append(",\"reason\":");
    quote(out, deny.reason());
    out.append("}\n");
    return out.toString();
  }

  /** Appends {@code s} as a JSON string: messages may echo client input, so escape all of it. */
  static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
