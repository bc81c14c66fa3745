package dev.gantry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo workload, directly (no gateway): what the end-to-end tests rely on it to answer. */
class EchoServerTest {

  private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private static EchoServer echo;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "agt-echo-test", "eu-lon-1", GROUP);
  }

  @AfterAll
  static void stop() throws Exception {
    echo.close();
    GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + echo.port() + path);
  }

  @Test
  void get_answersWhatItReceived_pathExactlyAsSent() throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(uri("/a//b/%2F?c=d&e")).header("x-test", "1").build(), HttpResponse.BodyHandlers.ofString());

    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.get("path").getAsString()).isEqualTo("/a//b/%2F?c=d&e");
    assertThat(body.get("workload").getAsString()).isEqualTo("agt-echo-test");
    assertThat(body.get("region").getAsString()).isEqualTo("eu-lon-1");
    assertThat(body.getAsJsonObject("headers").getAsJsonArray("x-test").get(0).getAsString()).isEqualTo("1");
  }

  @Test
  void sse_sendsTheEventsInOrder_thenEnds() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> response =
        HTTP.send(HttpRequest.newBuilder(uri("/sse?n=5&interval_ms=10")).build(), HttpResponse.BodyHandlers.ofLines());

    assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
    assertThat(response.body().filter(l -> l.startsWith("id: ")).toList())
        .containsExactly("id: 0", "id: 1", "id: 2", "id: 3", "id: 4");
  }

  @Test
  void http2WithPriorKnowledge_onTheSamePort_answersAndStreamsEvents() throws Exception {
    // curl speaks HTTP/2 from the first byte (the connection preface), as a gateway cluster
    // with protocol http2 does.
    List<String> echo = curlHttp2("/h2?x=1");
    assertThat(echo.getLast()).as("curl's HTTP version").isEqualTo("2");
    JsonObject body = JsonParser.parseString(String.join("\n", echo.subList(0, echo.size() - 1))).getAsJsonObject();
    assertThat(body.get("path").getAsString()).isEqualTo("/h2?x=1");
    // What the client sent, not what HTTP/2's conversion to HTTP/1 objects adds.
    assertThat(body.getAsJsonObject("headers").keySet()).noneMatch(h -> h.startsWith("x-http2-"));

    List<String> events = curlHttp2("/sse?n=3&interval_ms=10");
    assertThat(events.getLast()).as("curl's HTTP version").isEqualTo("2");
    assertThat(events.stream().filter(l -> l.startsWith("id: ")).toList()).containsExactly("id: 0", "id: 1", "id: 2");
  }

  /** curl's output for {@code path} over HTTP/2 with prior knowledge, its HTTP version last. */
  private static List<String> curlHttp2(String path) throws Exception {
    Process curl = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version}", uri(path).toString())
        .redirectErrorStream(true).start();
    List<String> lines = new String(curl.getInputStream().readAllBytes()).lines().toList();
    assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as("curl: " + lines).isZero();
    return lines;
  }

  @Test
  void badParameter_is400WithReason() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/slow?seconds=soon")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("bad-parameter").contains("seconds='soon'");
  }

  @Test
  void webSocket_echoesText() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    var socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + echo.port() + "/ws"),
        new java.net.http.WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(5, TimeUnit.SECONDS);

    socket.sendText("hello", true).get(5, TimeUnit.SECONDS);

    assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
  }

  @Test
  void demoIssuer_keepsItsKey_andSignsTokensOfAnyWorkspace(@TempDir Path dir) throws Exception {
    DemoIssuer first = DemoIssuer.load(dir.resolve("key.json"), "http://issuer.test");
    DemoIssuer again = DemoIssuer.load(dir.resolve("key.json"), "http://issuer.test");

    assertThat(again.jwks()).isEqualTo(first.jwks());
    assertThat(first.issuerOf("other")).isEqualTo("http://issuer.test/other");
    String token = first.token("demo", "me", "agt:invoke", java.time.Duration.ofMinutes(5));
    assertThat(List.of(token.split("\\."))).hasSize(3);
    assertThat(first.jwks()).doesNotContain("\"d\"");
  }
}
