package dev.gantry.routing;

import java.net.InetSocketAddress;

/**
 * An address as configs and flags write it: {@code host:port}.
 *
 * @param host a name or IPv4 address
 * @param port 0–65535 (0: any free port, for listeners started by tests)
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("address: empty host (expected: host:port)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address port " + port + " (expected: 0-65535)");
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException saying what is wrong, when it is not of that form
   */
  public static HostPort parse(String value) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("address '" + value + "' (expected: host:port)");
    }
    try {
      return new HostPort(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + value + "' (expected: host:port with a numeric port)");
    }
  }

  /** A socket address for servers and clients. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
