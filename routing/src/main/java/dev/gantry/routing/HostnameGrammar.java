package dev.gantry.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The hostname grammar of docs/architecture.md ("Hostnames"), in one place for every service:
 *
 * <pre>
 * &lt;product&gt;-&lt;workload&gt;-&lt;workspace&gt;[.&lt;location&gt;].&lt;base-domain&gt;[:port][.]
 * </pre>
 *
 * <p>Hostnames are case-insensitive (ASCII); one trailing dot and a numeric port are ignored. The
 * last '-' of the first label separates the workspace. Every label must be a DNS label (letters,
 * digits and '-', not starting or ending with '-', at most 63 characters): a first label ending
 * in '-' is therefore {@code malformed-label}, not an empty workspace. The grammar checks the
 * shape only; whether the location or the workload exists is decided against the region catalog
 * and the workload table.
 *
 * <p>Parsing never throws and allocates only its answer: it runs on every request.
 */
public final class HostnameGrammar {

  /** What {@link #parse} answers: a {@link ParsedHost} or a {@link Rejected}. */
  public sealed interface Result permits ParsedHost, Rejected {}

  /**
   * A hostname the grammar refuses.
   *
   * @param reason the stable reason code
   * @param message what was wrong and what was expected, for people
   */
  public record Rejected(HostnameReason reason, String message) implements Result {}

  static final int MAX_NAME_LENGTH = 253;
  public static final int MAX_LABEL_LENGTH = 63;

  /** Base domains with a leading dot, longest first, so the most specific one wins. */
  private final List<String> dottedBaseDomains;

  /**
   * @param baseDomains the base domains hostnames may end with, e.g. {@code run.localhost}
   * @throws IllegalArgumentException when there is none, or one is not a lower-case DNS name
   */
  public HostnameGrammar(Set<String> baseDomains) {
    if (baseDomains.isEmpty()) {
      throw new IllegalArgumentException("base domains: none given (expected: at least one)");
    }
    for (String domain : baseDomains) {
      if (!isDnsName(domain)) {
        throw new IllegalArgumentException(
            "base domain '" + domain + "' (expected: a lower-case DNS name such as run.example)");
      }
    }
    this.dottedBaseDomains =
        baseDomains.stream()
            .map(d -> "." + d)
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(d -> d))
            .toList();
  }

  /**
   * The host of a Host/:authority as the grammar compares it: lower case, without port or one
   * trailing dot; null when there is none. For exact lookups (legacy hosts, custom domains).
   */
  public static String normalizeHost(String authority) {
    if (authority == null || authority.isEmpty()) {
      return null;
    }
    String host = authority;
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && isPort(host, colon + 1)) {
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    host = lowerAscii(host);
    return host.isEmpty() ? null : host;
  }

  /** Parses the Host/:authority of a request. */
  public Result parse(String authority) {
    if (authority == null || authority.isEmpty()) {
      return new Rejected(HostnameReason.MISSING_HOST, "no Host header (expected: a workload hostname)");
    }
    String host = authority;
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      if (!isPort(host, colon + 1)) {
        return new Rejected(
            HostnameReason.MALFORMED_PORT, "port in '" + clip(authority) + "' (expected: digits)");
      }
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    host = lowerAscii(host);
    if (host.isEmpty()) {
      return new Rejected(HostnameReason.MISSING_HOST, "empty host (expected: a workload hostname)");
    }
    if (host.length() > MAX_NAME_LENGTH) {
      return new Rejected(
          HostnameReason.NAME_TOO_LONG,
          "hostname of " + host.length() + " characters (expected: at most " + MAX_NAME_LENGTH + ")");
    }
    for (String dotted : dottedBaseDomains) {
      String base = dotted.substring(1);
      if (host.equals(base)) {
        return new Rejected(
            HostnameReason.MISSING_WORKLOAD,
            "'" + base + "' names no workload (expected: <product>-<workload>-<workspace>." + base + ")");
      }
      if (host.endsWith(dotted)) {
        return parseBelowBase(host.substring(0, host.length() - dotted.length()), base);
      }
    }
    return new Rejected(
        HostnameReason.UNKNOWN_DOMAIN,
        "'" + clip(host) + "' is not under a base domain (expected: one of "
            + dottedBaseDomains.stream().map(d -> d.substring(1)).toList() + ")");
  }

  private static Result parseBelowBase(String prefix, String baseDomain) {
    if (prefix.isEmpty()) {
      return new Rejected(
          HostnameReason.MISSING_WORKLOAD, "no workload label (expected: <product>-<workload>-<workspace>)");
    }
    int dot = prefix.indexOf('.');
    String first = dot < 0 ? prefix : prefix.substring(0, dot);
    String location = null;
    if (dot >= 0) {
      location = prefix.substring(dot + 1);
      if (location.isEmpty() || location.indexOf('.') >= 0) {
        return new Rejected(
            HostnameReason.MALFORMED_LOCATION,
            "location '" + clip(location) + "' (expected: one label, a region id or group, or none)");
      }
      if (location.length() > MAX_LABEL_LENGTH) {
        return labelTooLong(location);
      }
      if (!isDnsLabel(location)) {
        return new Rejected(
            HostnameReason.MALFORMED_LOCATION,
            "location '" + clip(location) + "' (expected: letters, digits and inner '-')");
      }
    }
    int previewPort = 0;
    if (first.length() > MAX_LABEL_LENGTH) {
      return labelTooLong(first);
    }
    int preview = first.indexOf(ClusterNames.PREVIEW_SEPARATOR);
    if (preview > 0 && isAllDigits(first, 0, preview)) {
      previewPort = previewPort(first.substring(0, preview));
      if (previewPort == 0) {
        return new Rejected(HostnameReason.MALFORMED_PREVIEW_PORT, "preview port '" + clip(first.substring(0, preview))
            + "' (expected: " + MIN_PREVIEW_PORT + " to 65535, no leading zero: <port>--sbx-<name>-<workspace>)");
      }
      first = first.substring(preview + ClusterNames.PREVIEW_SEPARATOR.length());
    }
    Result workload = parseWorkloadLabel(first);
    if (workload instanceof ParsedHost parsed) {
      if (previewPort != 0 && parsed.workload().product() != Product.SANDBOX) {
        return new Rejected(HostnameReason.PREVIEW_NOT_SANDBOX,
            "'" + clip(first) + "' is not a sandbox (expected: preview URLs only for sandboxes, <port>--sbx-<name>-<workspace>)");
      }
      return new ParsedHost(parsed.workload(), location, baseDomain, previewPort);
    }
    return workload;
  }

  /** The lowest port a preview URL may name: unprivileged ports (a two-digit one would also make a label IDNA reserves, "80--..."). */
  public static final int MIN_PREVIEW_PORT = 1024;

  /** {@code digits} as a preview port, or 0 when it is not one: 1024-65535, no leading zero. */
  public static int previewPort(String digits) {
    if (digits.isEmpty() || digits.length() > 5 || digits.charAt(0) == '0' || !isAllDigits(digits, 0, digits.length())) {
      return 0;
    }
    int port = Integer.parseInt(digits);
    return port >= MIN_PREVIEW_PORT && port <= 65535 ? port : 0;
  }

  private static boolean isAllDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return to > from;
  }

  /**
   * Parses a hostname's first label, which is also a workload id: {@code agt-echo-demo}. The
   * answer's location and base domain are null.
   */
  public static Result parseWorkloadLabel(String label) {
    if (label == null || label.isEmpty()) {
      return new Rejected(
          HostnameReason.MISSING_WORKLOAD, "no workload label (expected: <product>-<workload>-<workspace>)");
    }
    if (label.length() > MAX_LABEL_LENGTH) {
      return labelTooLong(label);
    }
    if (!isDnsLabel(label)) {
      return new Rejected(
          HostnameReason.MALFORMED_LABEL,
          "label '" + clip(label) + "' (expected: letters, digits and '-', not first or last)");
    }
    int firstDash = label.indexOf('-');
    String productLabel = firstDash < 0 ? label : label.substring(0, firstDash);
    Product product = Product.fromLabel(productLabel);
    if (product == null) {
      return new Rejected(
          HostnameReason.UNKNOWN_PRODUCT, "product '" + clip(productLabel) + "' (expected: agt, mcp or sbx)");
    }
    if (firstDash < 0) {
      return new Rejected(
          HostnameReason.MISSING_WORKLOAD,
          "'" + label + "' names no workload (expected: " + label + "-<workload>-<workspace>)");
    }
    int lastDash = label.lastIndexOf('-');
    if (lastDash == firstDash) {
      return new Rejected(
          HostnameReason.MISSING_WORKSPACE,
          "'" + label + "' names no workspace (expected: <product>-<workload>-<workspace>)");
    }
    String name = label.substring(firstDash + 1, lastDash);
    if (name.isEmpty()) {
      return new Rejected(
          HostnameReason.EMPTY_WORKLOAD, "empty workload name in '" + label + "' (expected: agt-<workload>-<workspace>)");
    }
    if (name.charAt(0) == '-' || name.charAt(name.length() - 1) == '-') {
      return new Rejected(
          HostnameReason.MALFORMED_LABEL,
          "workload name '" + name + "' (expected: letters, digits and inner '-')");
    }
    return new ParsedHost(new WorkloadId(product, name, label.substring(lastDash + 1)), null, null);
  }

  private static Rejected labelTooLong(String label) {
    return new Rejected(
        HostnameReason.LABEL_TOO_LONG,
        "label of " + label.length() + " characters (expected: at most " + MAX_LABEL_LENGTH + ")");
  }

  private static boolean isPort(String s, int from) {
    int length = s.length() - from;
    if (length < 1 || length > 5) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** A DNS label in lower case: [a-z0-9-], 1–63 characters, '-' neither first nor last. */
  public static boolean isDnsLabel(String label) {
    int n = label.length();
    if (n == 0 || n > MAX_LABEL_LENGTH || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!isDnsLabel(label)) {
        return false;
      }
    }
    return true;
  }

  private static String lowerAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return s.toLowerCase(Locale.ROOT);
      }
    }
    return s;
  }

  /** Client input echoed in a message is cut short: messages are for people, not a mirror. */
  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
