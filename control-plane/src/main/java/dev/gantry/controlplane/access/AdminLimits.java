package dev.gantry.controlplane.access;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Bounds on what an admin request may carry, whatever its method: every string, byte string
 * and list, at any depth. A request over them is refused before any rule or service looks at
 * it, so no validator downstream ever meets a 3 MiB workspace name. Each service's own rules
 * are stricter where they know more (labels: 32, label values: 63 characters). Pure.
 */
final class AdminLimits {

  /** The longest string field: names, ids, URLs, JWKs. */
  static final int MAX_STRING_CHARS = 4096;

  /** The longest PEM field (a certificate chain, a key): the serving-certificate bound. */
  static final int MAX_PEM_CHARS = 64 * 1024;

  /** The longest byte string (a secret's hash is 32 bytes). */
  static final int MAX_BYTES = 4096;

  /** The most entries of a list or a map. */
  static final int MAX_ENTRIES = 1000;

  private AdminLimits() {}

  /** What in {@code request} is over a bound ("workload.labels: 5000 entries (at most 1000)"), or null. */
  static String violation(Message request) {
    return violation(request, "");
  }

  private static String violation(Message message, String path) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      String at = path.isEmpty() ? descriptor.getName() : path + "." + descriptor.getName();
      if (descriptor.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        if (values.size() > MAX_ENTRIES) {
          return at + ": " + values.size() + " entries (at most " + MAX_ENTRIES + ")";
        }
        for (int i = 0; i < values.size(); i++) {
          String problem = value(descriptor, values.get(i), at + "[" + i + "]");
          if (problem != null) {
            return problem;
          }
        }
      } else {
        String problem = value(descriptor, field.getValue(), at);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String value(FieldDescriptor descriptor, Object value, String at) {
    return switch (value) {
      case String text -> {
        int max = descriptor.getName().endsWith("_pem") ? MAX_PEM_CHARS : MAX_STRING_CHARS;
        yield text.length() > max ? at + ": " + text.length() + " characters (at most " + max + ")" : null;
      }
      case ByteString bytes -> bytes.size() > MAX_BYTES ? at + ": " + bytes.size() + " bytes (at most " + MAX_BYTES + ")" : null;
      case Message inner -> violation(inner, at);
      default -> null;
    };
  }
}
