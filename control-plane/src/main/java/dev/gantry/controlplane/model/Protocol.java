package dev.gantry.controlplane.model;

/** How a gateway speaks to a workload's replicas. */
public enum Protocol {
  /** HTTP/1.1: plain HTTP, server-sent events, WebSocket upgrades. */
  HTTP1,
  /** HTTP/2 without TLS (prior knowledge): gRPC and other HTTP/2 services. */
  HTTP2;

  /** Parses {@code http1} / {@code http2}. */
  public static Protocol parse(String value) {
    return switch (value) {
      case "http1" -> HTTP1;
      case "http2" -> HTTP2;
      default -> throw new IllegalArgumentException("protocol '" + value + "' (expected: http1 or http2)");
    };
  }
}
