package dev.gantry.e2e;

import dev.gantry.demo.proto.v1.ChatMessage;
import dev.gantry.demo.proto.v1.StreamEchoGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Clients for the long-lived shapes of agent traffic, all through the gateway. */
final class StreamClients {

  private StreamClients() {}

  /** Reads a server-sent event stream to its end and returns the event ids in arrival order. */
  static CompletableFuture<List<Integer>> sse(int gatewayPort, String host, String path) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path))
        .header("Host", host)
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenApply(StreamClients::eventIds);
  }

  /** The event ids of a whole SSE answer, in arrival order; an answer other than 200 is an error. */
  private static List<Integer> eventIds(HttpResponse<Stream<String>> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("SSE answered " + response.statusCode());
    }
    try (Stream<String> lines = response.body()) {
      return lines.filter(l -> l.startsWith("id: ")).map(l -> Integer.parseInt(l.substring(4))).toList();
    }
  }

  /** An HTTP client for {@code port}: HTTP/1.1 or HTTP/2 (by ALPN over TLS), trusting what a user's client trusts. */
  static HttpClient http(PublicPort port, HttpClient.Version version) {
    HttpClient.Builder builder = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5));
    if (port.https()) {
      builder.sslContext(port.tls());
    }
    return builder.build();
  }

  /**
   * Reads a server-sent event stream at {@code host} (a bare hostname, resolved to loopback) to
   * its end and returns the event ids in arrival order.
   */
  static CompletableFuture<List<Integer>> sse(PublicPort port, String host, String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(port.uri(host, path));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http(port, HttpClient.Version.HTTP_1_1).sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
        .thenApply(StreamClients::eventIds);
  }

  /** As {@link #sse(PublicPort, String, String, String...)}, without extra headers. */
  static CompletableFuture<List<Integer>> sse(PublicPort port, String host, String path) {
    HttpRequest request = HttpRequest.newBuilder(port.uri(host, path)).build();
    return http(port, HttpClient.Version.HTTP_1_1).sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenApply(StreamClients::eventIds);
  }

  /** A gRPC channel to {@code host} at the gateway: TLS with SNI and the host checked when {@code port} is HTTPS. */
  static ManagedChannel grpcChannel(PublicPort port, String host) {
    if (!port.https()) {
      return grpcChannel(port.port(), host + ":" + port.port());
    }
    try {
      return NettyChannelBuilder.forAddress("127.0.0.1", port.port())
          .overrideAuthority(host + ":" + port.port())
          .sslContext(io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
              .trustManager(port.ca())
              .build())
          .keepAliveTime(30, TimeUnit.SECONDS)
          .build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A WebSocket session on the echo's {@code /ws}; collects every text message it receives. */
  static final class EchoSocket implements WebSocket.Listener {
    final List<String> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static EchoSocket open(int gatewayPort, String host, String... headers) throws Exception {
      EchoSocket listener = new EchoSocket();
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      for (int i = 0; i + 1 < headers.length; i += 2) {
        builder.header(headers[i], headers[i + 1]);
      }
      listener.socket = builder
          .header("Host", host)
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://127.0.0.1:" + gatewayPort + "/ws"), listener)
          .get(10, TimeUnit.SECONDS);
      return listener;
    }

    /** A session to {@code host} (bare hostname) over {@code port}: ws:// or wss:// with the host verified. */
    static EchoSocket open(PublicPort port, String host, String... headers) throws Exception {
      EchoSocket listener = new EchoSocket();
      WebSocket.Builder builder = http(port, HttpClient.Version.HTTP_1_1).newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(5));
      for (int i = 0; i + 1 < headers.length; i += 2) {
        builder.header(headers[i], headers[i + 1]);
      }
      listener.socket = builder
          .buildAsync(port.webSocketUri(host, "/ws"), listener)
          .get(10, TimeUnit.SECONDS);
      return listener;
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  /** A gRPC channel to the gateway, addressed to {@code host} (the :authority Envoy routes by). */
  static ManagedChannel grpcChannel(int gatewayPort, String host) {
    return NettyChannelBuilder.forAddress("127.0.0.1", gatewayPort)
        .overrideAuthority(host)
        .usePlaintext()
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  /** One StreamEcho/Chat call; collects the answers and how the call ended. */
  static final class Chat implements StreamObserver<ChatMessage> {
    final List<ChatMessage> answers = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final StreamObserver<ChatMessage> requests;

    Chat(io.grpc.Channel channel) {
      this.requests = StreamEchoGrpc.newStub(channel).chat(this);
    }

    void send(long sequence) {
      synchronized (requests) {
        requests.onNext(ChatMessage.newBuilder().setSequence(sequence).setText("m" + sequence).build());
      }
    }

    void finish() {
      synchronized (requests) {
        requests.onCompleted();
      }
    }

    @Override
    public void onNext(ChatMessage answer) {
      answers.add(answer);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }
  }
}
