package dev.gantry.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, so a test controls every byte it sends: the
 * Host header exactly (the JDK client refuses to set it), repeated headers, odd paths. Reads the
 * answer to the end of the connection ({@code Connection: close}).
 */
final class RawHttp {

  /** An answer: status, headers (lower-case names; repeated ones joined with ','), body. */
  record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  /**
   * Sends {@code GET path} to {@code 127.0.0.1:port}.
   *
   * @param headers extra header lines as name/value pairs, sent in order
   */
  static Response get(int port, String host, String path, List<String[]> headers) throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    if (host != null) {
      request.append("Host: ").append(host).append("\r\n");
    }
    for (String[] header : headers) {
      request.append(header[0]).append(": ").append(header[1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  /** Sends {@code GET path} over TLS ({@code tls}: the client's certificate and trust) to {@code 127.0.0.1:port}. */
  static Response get(javax.net.ssl.SSLSocketFactory tls, int port, String host, String path, List<String[]> headers)
      throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append("\r\n");
    for (String[] header : headers) {
      request.append(header[0]).append(": ").append(header[1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  /** What one TLS exchange saw: the certificate the gateway presented, and the answer. */
  record TlsExchange(java.security.cert.X509Certificate presented, Response response) {}

  /**
   * A new TLS connection to {@code 127.0.0.1:port} asking for {@code serverName} by SNI, set here
   * explicitly, with a full handshake (a fresh context: no session to resume); with {@code ca},
   * the certificate must chain to it and name {@code serverName} (as a browser checks), else the
   * handshake fails; with null, any certificate is taken. Then {@code GET path} with that host.
   */
  static TlsExchange getTls(java.security.cert.X509Certificate ca, int port, String serverName, String path)
      throws IOException {
    javax.net.ssl.SSLContext trust = ca == null ? trustingAnything() : PublicPort.trusting(ca);
    boolean verify = ca != null;
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trust.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      if (verify) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      java.security.cert.X509Certificate presented =
          (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + serverName + ":" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new TlsExchange(presented, parse(socket.getInputStream().readAllBytes()));
    }
  }

  /** A TLS context that accepts any certificate: to see what a gateway presents where a client would refuse it. */
  private static javax.net.ssl.SSLContext trustingAnything() {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code POST path} with a JSON {@code body} to {@code 127.0.0.1:port}. */
  static Response post(int port, String host, String path, List<String[]> headers, String body) throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder request = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append("\r\n");
    for (String[] header : headers) {
      request.append(header[0]).append(": ").append(header[1]).append("\r\n");
    }
    request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length)
        .append("\r\nConnection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      // Head and body in one write. Seen once (QuotaIT, a fresh-clone CI run): Envoy logged a 429
      // (ext_authz, quota exceeded) that this client lost to "Connection reset". Envoy answers a
      // refusal at the headers and closes; a body arriving after that, unread when it closes,
      // makes the kernel reset the connection (the likely cause; a body in the same segment is
      // read before the decision).
      byte[] head = request.toString().getBytes(StandardCharsets.UTF_8);
      byte[] whole = java.util.Arrays.copyOf(head, head.length + content.length);
      System.arraycopy(content, 0, whole, head.length, content.length);
      OutputStream out = socket.getOutputStream();
      out.write(whole);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  static Response get(int port, String host, String path) throws IOException {
    return get(port, host, path, List.of());
  }

  private static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete HTTP response: '" + text + "'");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + "," + b);
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, body);
  }

  private static String dechunk(String chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
      byte[] data = chunked.substring(lineEnd + 2).getBytes(StandardCharsets.UTF_8);
      out.write(data, 0, size);
      at = lineEnd + 2 + new String(data, 0, size, StandardCharsets.UTF_8).length() + 2;
    }
  }

  /** Header pairs, for readability at call sites. */
  static List<String[]> headers(String... nameValues) {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      pairs.add(new String[] {nameValues[i], nameValues[i + 1]});
    }
    return pairs;
  }
}
