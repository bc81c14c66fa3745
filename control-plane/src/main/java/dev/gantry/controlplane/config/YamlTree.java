package dev.gantry.controlplane.config;

import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Typed reads from a parsed YAML document, each failure naming the source, the line and the
 * path of the entry ({@code regions.yaml:12: regions[2] (us-pdx-1).country}) and what was
 * expected.
 */
final class YamlTree {

  private final String source;
  private final Map<String, Object> root;
  /** Line (1-based) of every entry by path: {@code regions[2].country}. */
  private final Map<String, Integer> lines;

  private YamlTree(String source, Map<String, Object> root, Map<String, Integer> lines) {
    this.source = source;
    this.root = root;
    this.lines = lines;
  }

  /** Parses {@code text} (plain data only: no tags, no custom types). */
  static YamlTree parse(String text, String source) throws ConfigException {
    try {
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      Object root = yaml.load(text);
      Map<String, Integer> lines = new HashMap<>();
      Node node = yaml.compose(new StringReader(text));
      if (node != null) {
        index(node, "", lines);
      }
      YamlTree tree = new YamlTree(source, Map.of(), lines);
      return new YamlTree(source, root == null ? Map.of() : tree.map(root, "(document)"), lines);
    } catch (YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // SnakeYAML refuses some malformed tags (e.g. "!!%E") with this rather than a YAMLException.
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  /** The document's top-level mapping. */
  Map<String, Object> root() {
    return root;
  }

  private static void index(Node node, String path, Map<String, Integer> lines) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          lines.put(child, key.getStartMark().getLine() + 1);
          index(tuple.getValueNode(), child, lines);
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        String child = path + "[" + i + "]";
        lines.put(child, items.get(i).getStartMark().getLine() + 1);
        index(items.get(i), child, lines);
      }
    }
  }

  /** Where {@code path} is written: its own line, else its nearest enclosing entry's. */
  private String where(String path) {
    String key = path.replaceAll(" \\([^)]*\\)", "");
    while (!key.isEmpty()) {
      Integer line = lines.get(key);
      if (line != null) {
        return source + ":" + line;
      }
      int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
      key = cut < 0 ? "" : key.substring(0, cut);
    }
    return source;
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
        where(path) + ": " + path + ": " + (found == null ? "missing" : "'" + found + "'") + " (expected: " + expected + ")");
  }

  ConfigException fail(String path, String problem) {
    return new ConfigException(where(path) + ": " + path + ": " + problem);
  }
}
