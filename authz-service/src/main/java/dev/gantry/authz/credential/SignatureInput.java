package dev.gantry.authz.credential;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first member of a Signature-Input dictionary (RFC 9421 §4.1, an RFC 8941 dictionary):
 * {@code label=("c1" "c2");p=v;...}.
 *
 * @param serialized the member's value exactly as sent: the {@code @signature-params} line
 */
record SignatureInput(String label, List<String> components, Map<String, Object> params, String serialized) {

  /**
   * The first label that appears twice among the members of an RFC 8941 dictionary header
   * (Signature-Input or Signature), or null. Members are split at commas outside strings and
   * inner lists.
   */
  static String repeatedLabel(String header) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    boolean quoted = false;
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= header.length(); i++) {
      char c = i < header.length() ? header.charAt(i) : ',';
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth <= 0) {
        String member = header.substring(start, Math.min(i, header.length())).strip();
        int equals = member.indexOf('=');
        String label = (equals < 0 ? member : member.substring(0, equals)).strip();
        if (!label.isEmpty() && !seen.add(label)) {
          return label;
        }
        start = i + 1;
      }
    }
    return null;
  }

  static SignatureInput parse(String header) {
    String text = header.strip();
    int equals = text.indexOf('=');
    if (equals <= 0 || equals + 1 >= text.length() || text.charAt(equals + 1) != '(') {
      throw new IllegalArgumentException("expected <label>=(\"@method\" ...);created=...;keyid=\"...\"");
    }
    String label = text.substring(0, equals).strip();
    int close = text.indexOf(')', equals);
    if (close < 0) {
      throw new IllegalArgumentException("the component list is not closed");
    }
    List<String> components = new ArrayList<>();
    for (String item : text.substring(equals + 2, close).strip().split(" +")) {
      if (item.isEmpty()) {
        continue;
      }
      if (item.length() < 2 || item.charAt(0) != '"' || item.charAt(item.length() - 1) != '"') {
        throw new IllegalArgumentException("component " + item + " (expected: quoted names without parameters)");
      }
      String component = item.substring(1, item.length() - 1).toLowerCase(java.util.Locale.ROOT);
      if (components.contains(component)) {
        throw new IllegalArgumentException("component \"" + component + "\" is listed twice (RFC 9421 §2: each once)");
      }
      components.add(component);
    }
    int end = close + 1;
    Map<String, Object> params = new HashMap<>();
    while (end < text.length() && text.charAt(end) == ';') {
      int nameEnd = text.indexOf('=', end);
      if (nameEnd < 0) {
        throw new IllegalArgumentException("parameter without value");
      }
      String name = text.substring(end + 1, nameEnd).strip();
      int valueStart = nameEnd + 1;
      Object value;
      if (valueStart < text.length() && text.charAt(valueStart) == '"') {
        int quote = text.indexOf('"', valueStart + 1);
        if (quote < 0) {
          throw new IllegalArgumentException("parameter " + name + ": unterminated string");
        }
        value = text.substring(valueStart + 1, quote);
        end = quote + 1;
      } else {
        int stop = valueStart;
        while (stop < text.length() && text.charAt(stop) != ';' && text.charAt(stop) != ',') {
          stop++;
        }
        String raw = text.substring(valueStart, stop).strip();
        try {
          value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
          value = raw;
        }
        end = stop;
      }
      params.put(name, value);
    }
    return new SignatureInput(label, List.copyOf(components), Map.copyOf(params), text.substring(equals + 1, end));
  }
}
