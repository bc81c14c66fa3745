package dev.gantry.controlplane.config;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Typed reads from a parsed YAML document, each failure naming the source and the path of the
 * entry ({@code regions[2].country}) and what was expected.
 */
final class YamlTree {

  private final String source;

  private YamlTree(String source) {
    this.source = source;
  }

  /** Parses {@code text} (plain data only: no tags, no custom types). */
  static Map<String, Object> parse(String text, String source) throws ConfigException {
    try {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      if (root == null) {
        return Map.of();
      }
      return new YamlTree(source).map(root, "(document)");
    } catch (YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  static YamlTree of(String source) {
    return new YamlTree(source);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> map(Object value, String path) throws ConfigException {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw fail(path, "a mapping", value);
  }

  List<?> list(Object value, String path) throws ConfigException {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> l) {
      return l;
    }
    throw fail(path, "a list", value);
  }

  String string(Map<String, Object> entry, String key, String path) throws ConfigException {
    Object value = entry.get(key);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    throw fail(path + "." + key, "a non-empty string", value);
  }

  String optionalString(Map<String, Object> entry, String key, String path, String fallback)
      throws ConfigException {
    return entry.containsKey(key) ? string(entry, key, path) : fallback;
  }

  boolean optionalBoolean(Map<String, Object> entry, String key, String path) throws ConfigException {
    Object value = entry.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw fail(path + "." + key, "true or false", value);
  }

  double number(Object value, String path) throws ConfigException {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw fail(path, "a number", value);
  }

  ConfigException fail(String path, String expected, Object found) {
    return new ConfigException(
        source + ": " + path + ": " + (found == null ? "missing" : "'" + found + "'") + " (expected: " + expected + ")");
  }

  ConfigException fail(String path, String problem) {
    return new ConfigException(source + ": " + path + ": " + problem);
  }
}
