package dev.gantry.authz.grpc;

import dev.gantry.authz.engine.Decision;
import dev.gantry.authz.engine.JsonStrings;

/** The JSON body of a deny: {@code {"error": "...", "reason": "<stable-code>"}}. */
final class DenyBody {

  private DenyBody() {}

  static String json(Decision.Deny deny) {
    StringBuilder out = new StringBuilder(64 + deny.message().length());
    out.append("{\"error\":");
    JsonStrings.quote(out, deny.message());
    out.append(",\"reason\":");
    JsonStrings.quote(out, deny.reason());
    out.append("}\n");
    return out.toString();
  }
}
