package dev.gantry.routing;

import java.util.Objects;

/**
 * Where a gateway's Envoy reaches its authz sidecar: a Unix domain socket (the default: nothing
 * on the network can reach it, and its file permissions say which local users can), or a TCP
 * address (loopback only, for setups that cannot share a file system).
 */
public sealed interface SidecarAddress {

  /** {@code unix:<path>}; a relative path is relative to the gateway Envoy's working directory. */
  record Unix(String path) implements SidecarAddress {
    public Unix {
      Objects.requireNonNull(path, "path");
      // sockaddr_un holds 108 bytes with its terminator.
      if (path.isEmpty() || path.length() > 100 || path.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("socket path '" + path + "' (expected: 1-100 characters)");
      }
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  /** {@code host:port}. */
  record Tcp(HostPort address) implements SidecarAddress {
    @Override
    public String toString() {
      return address.toString();
    }
  }

  /**
   * Parses {@code unix:<path>} or {@code host:port}.
   *
   * @throws IllegalArgumentException saying what is expected
   */
  static SidecarAddress parse(String value) {
    if (value != null && value.startsWith("unix:")) {
      return new Unix(value.substring("unix:".length()));
    }
    try {
      return new Tcp(HostPort.parse(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sidecar address '" + value + "' (expected: unix:<socket path> or host:port)");
    }
  }
}
