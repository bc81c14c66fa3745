package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.gantry.pki.LocalCa;
import dev.gantry.pki.ServingCertificate;
import dev.gantry.proto.admin.v1.AuditServiceGrpc;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.ListAuditRequest;
import dev.gantry.proto.admin.v1.ListNamesRequest;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import dev.gantry.proto.admin.v1.UnbindDomainRequest;
import dev.gantry.proto.fleet.v1.CustomDomain;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS at the edge through the real Envoy: the catalog's certificate (issued by the stack's
 * local CA, delivered over SDS by the control plane) for every hostname form, custom domains
 * with their own certificates chosen by SNI, and renewals, with clients that verify as a
 * browser does: the CA, and the host name against the certificate.
 */
class HttpsIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;
  /** A workspace's own CA, as a public CA or its ACME agent would be: not the stack's. */
  private static final LocalCa ACME_CA = LocalCa.create("acme test CA", Duration.ofDays(30));

  @BeforeAll
  static void stack() {
    stack = STACKS.stack();
  }

  @Test
  void regionalGroupAndGlobalHostnames_verifyAndAnswer_overHttp1AndHttp2() throws Exception {
    PublicPort https = stack.https();
    for (String host : List.of("agt-echo-demo.eu-lon-1.run.localhost", "agt-echo-demo.eu.run.localhost",
        "agt-echo-demo.run.localhost")) {
      for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
        HttpResponse<String> response = StreamClients.http(https, version)
            .send(HttpRequest.newBuilder(https.uri(host, "/hello?x=1")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(host + " " + version + ": " + response.body()).isEqualTo(200);
        assertThat(response.version()).as("ALPN chose it").isEqualTo(version);
        assertThat(response.sslSession()).isPresent();
        var answer = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(answer.get("region").getAsString()).isEqualTo("eu-lon-1");
        assertThat(answer.getAsJsonObject("headers").getAsJsonArray("x-forwarded-proto").get(0).getAsString())
            .isEqualTo("https");
      }
    }
  }

  @Test
  void aHostNoCertificateNames_failsVerification_andNeverGetsAWorkloadsAnswer() throws Exception {
    X509Certificate trust = stack.https().ca();
    for (String host : List.of("www.evil.test", "a.b.eu-lon-1.run.localhost", "run.localhost")) {
      assertThatThrownBy(() -> RawHttp.getTls(trust, stack.httpsPort, host, "/"))
          .as(host).isInstanceOf(SSLHandshakeException.class);
      // A client that checks nothing gets the default certificate (the catalog's), not one for
      // that host, and the gateway routes nothing there.
      RawHttp.TlsExchange unchecked = RawHttp.getTls(null, stack.httpsPort, host, "/");
      List<String> names = unchecked.presented().getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
      assertThat(names).contains("*.run.localhost").doesNotContain(host);
      assertThat(unchecked.response().status()).as(host + ": " + unchecked.response().body()).isNotEqualTo(200);
      assertThat(unchecked.response().body()).doesNotContain("\"workload\"");
    }
  }

  @Test
  void customDomains_areServedWithTheirOwnCertificateBySni_andUnbindingOneLeavesTheOthersStreamsOpen() throws Exception {
    ServingCertificate agents = ACME_CA.issueServing(List.of("agents.acme.test"), Duration.ofDays(1));
    ServingCertificate files = ACME_CA.issueServing(List.of("files.acme.test"), Duration.ofDays(1));
    var names = NameServiceGrpc.newBlockingStub(stack.admin());
    names.bindDomain(bind("agents.acme.test", agents));
    names.bindDomain(bind("files.acme.test", files));
    X509Certificate acmeTrust = ACME_CA.certificate();

    RawHttp.TlsExchange exchange = await(() -> RawHttp.getTls(acmeTrust, stack.httpsPort, "agents.acme.test", "/"));
    assertThat(exchange.presented()).isEqualTo(certificate(agents));
    assertThat(exchange.response().status()).as(exchange.response().body()).isEqualTo(200);
    assertThat(await(() -> RawHttp.getTls(acmeTrust, stack.httpsPort, "files.acme.test", "/")).presented())
        .isEqualTo(certificate(files));

    // Streams on another custom domain and on a catalog hostname, open while a domain goes away.
    PublicPort acme = new PublicPort("acme", stack.httpsPort, ACME_CA.certificate());
    CompletableFuture<List<Integer>> onFiles = StreamClients.sse(acme, "files.acme.test", "/sse?n=40&interval_ms=100");
    CompletableFuture<List<Integer>> onCatalog =
        StreamClients.sse(stack.https(), "agt-echo-demo.eu-lon-1.run.localhost", "/sse?n=40&interval_ms=100");
    long inPlaceBefore = stack.envoyStat("listener_manager.listener_in_place_updated");
    TimeUnit.MILLISECONDS.sleep(500);
    names.unbindDomain(UnbindDomainRequest.newBuilder().setDomain("agents.acme.test").build());

    // The unbound domain now gets no certificate for it: a verifying client refuses the handshake.
    awaitRefused(acmeTrust, "agents.acme.test");
    assertThat(onFiles.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
    assertThat(onCatalog.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
    assertThat(stack.envoyStat("listener_manager.listener_in_place_updated") - inPlaceBefore)
        .as("the listener's chains were updated in place, not the listener replaced").isPositive();
    names.unbindDomain(UnbindDomainRequest.newBuilder().setDomain("files.acme.test").build());
  }

  @Test
  void bindingWithoutAUsableCertificate_isRefused_andNoKeyIsEverAnsweredOrAudited() throws Exception {
    var names = NameServiceGrpc.newBlockingStub(stack.admin());
    ServingCertificate other = ACME_CA.issueServing(List.of("other.acme.test"), Duration.ofDays(1));
    ServingCertificate shortLived = ACME_CA.issueServing(List.of("late.acme.test"), Duration.ofSeconds(1));

    assertRefused(() -> names.bindDomain(BindDomainRequest.newBuilder()
        .setDomain(CustomDomain.newBuilder().setDomain("bare.acme.test").setWorkload("agt-echo-demo")).build()),
        "needs a certificate");
    assertRefused(() -> names.bindDomain(bind("wrong.acme.test", other)), "certificate-name-mismatch");
    assertRefused(() -> names.bindDomain(bind("other.acme.test", new ServingCertificate(other.chainPem(),
        ACME_CA.issueServing(List.of("other.acme.test"), Duration.ofDays(1)).keyPem(), other.dnsNames(),
        other.notBefore(), other.notAfter()))), "key-mismatch");
    TimeUnit.MILLISECONDS.sleep(1500);
    assertRefused(() -> names.bindDomain(bind("late.acme.test", shortLived)), "certificate-expired");
    assertThat(names.listNames(ListNamesRequest.getDefaultInstance()).getDomainsList())
        .extracting(CustomDomain::getDomain).doesNotContain("bare.acme.test", "wrong.acme.test", "other.acme.test");

    names.bindDomain(bind("kept.acme.test", ACME_CA.issueServing(List.of("kept.acme.test"), Duration.ofDays(1))));
    String answered = names.listNames(ListNamesRequest.getDefaultInstance()).toString();
    assertThat(answered).contains("kept.acme.test").doesNotContain("PRIVATE KEY");
    String audited = AuditServiceGrpc.newBlockingStub(stack.admin()).listAudit(ListAuditRequest.newBuilder().setLimit(50).build())
        .toString();
    assertThat(audited).contains("BindDomain").contains("[redacted]").doesNotContain("PRIVATE KEY");
    // Envoy holds the keys (over SDS) but its admin endpoint redacts them.
    String dump = stack.envoy.admin("/config_dump?include_eds=false");
    assertThat(dump).contains("edge-domain-kept.acme.test").contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    names.unbindDomain(UnbindDomainRequest.newBuilder().setDomain("kept.acme.test").build());
  }

  @Test
  void aWorkspaceAdmin_renewsItsOwnDomainsCertificate_andNeitherSeesNorTouchesAnothers() throws Exception {
    var operatorNames = NameServiceGrpc.newBlockingStub(stack.admin());
    operatorNames.bindDomain(bind("demo.acme.test", ACME_CA.issueServing(List.of("demo.acme.test"), Duration.ofDays(1))));
    ManagedChannel demoAdmin = stack.pki.admin(stack.controlPlanePort, dev.gantry.pki.Identity.workspaceAdmin("demo", "ops"));
    ManagedChannel otherAdmin = stack.pki.admin(stack.controlPlanePort, dev.gantry.pki.Identity.workspaceAdmin("other", "ops"));
    try {
      ServingCertificate renewal = ACME_CA.issueServing(List.of("demo.acme.test"), Duration.ofDays(2));
      var request = dev.gantry.proto.admin.v1.SetDomainCertificateRequest.newBuilder().setDomain("demo.acme.test")
          .setCertificateChainPem(renewal.chainPem()).setPrivateKeyPem(renewal.keyPem()).build();

      assertThatThrownBy(() -> NameServiceGrpc.newBlockingStub(otherAdmin).setDomainCertificate(request))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
      assertThat(NameServiceGrpc.newBlockingStub(otherAdmin).listNames(ListNamesRequest.getDefaultInstance()).getCertificatesList())
          .as("another workspace's certificates are not shown").isEmpty();

      var answer = NameServiceGrpc.newBlockingStub(demoAdmin).setDomainCertificate(request);
      assertThat(answer.getCertificatesList()).extracting(c -> c.getName()).containsExactly("demo.acme.test");
      assertThat(answer.getCertificates(0).getNotAfterEpochSeconds()).isEqualTo(renewal.notAfter().getEpochSecond());
      assertThat(await(() -> RawHttp.getTls(ACME_CA.certificate(), stack.httpsPort, "demo.acme.test", "/")).presented())
          .isNotNull();
      for (int i = 0; i < 100 && !RawHttp.getTls(ACME_CA.certificate(), stack.httpsPort, "demo.acme.test", "/").presented()
          .equals(certificate(renewal)); i++) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertThat(RawHttp.getTls(ACME_CA.certificate(), stack.httpsPort, "demo.acme.test", "/").presented())
          .as("the renewal is served").isEqualTo(certificate(renewal));
    } finally {
      demoAdmin.shutdownNow();
      otherAdmin.shutdownNow();
      operatorNames.unbindDomain(UnbindDomainRequest.newBuilder().setDomain("demo.acme.test").build());
    }
  }

  @Test
  void renewedCatalogCertificate_reachesEnvoy_underLoad_withoutAFailedRequestOrADroppedStream() throws Exception {
    PublicPort https = stack.https();
    X509Certificate trust = https.ca();
    String host = "agt-echo-demo.eu-lon-1.run.localhost";
    X509Certificate before = RawHttp.getTls(trust, stack.httpsPort, host, "/").presented();
    long listenersChangedBefore = stack.envoyStat("listener_manager.listener_modified")
        + stack.envoyStat("listener_manager.listener_in_place_updated");

    CompletableFuture<List<Integer>> sse = StreamClients.sse(https, host, "/sse?n=80&interval_ms=100");
    StreamClients.EchoSocket socket = StreamClients.EchoSocket.open(https, host);
    ManagedChannel channel = StreamClients.grpcChannel(https, "agt-grpc-echo-demo.eu-lon-1.run.localhost");
    StreamClients.Chat chat = new StreamClients.Chat(channel);

    // Load: a new TLS connection per request (each one a handshake with the certificate of the
    // moment), and requests on one kept-alive HTTP/2 connection.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<X509Certificate> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpClient kept = StreamClients.http(https, HttpClient.Version.HTTP_2);
    ExecutorService load = Executors.newFixedThreadPool(2);
    load.submit(() -> {
      while (running.get()) {
        try {
          RawHttp.TlsExchange exchange = RawHttp.getTls(trust, stack.httpsPort, host, "/");
          seen.add(exchange.presented());
          count(exchange.response().status(), served, failures);
        } catch (Exception e) {
          failures.add("new connection: " + e);
        }
      }
    });
    load.submit(() -> {
      while (running.get()) {
        try {
          count(kept.send(HttpRequest.newBuilder(https.uri(host, "/")).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode(), served, failures);
        } catch (Exception e) {
          failures.add("kept connection: " + e);
        }
      }
    });

    int messages = 0;
    for (; messages < 10; messages++) {
      socket.send("ws-" + messages);
      chat.send(messages);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    // The renewal, as cert-manager or ./gantry up's issuer writes it: same names, new key.
    ServingCertificate current = ServingCertificate.read(stack.edgeDir().resolve("local"), Instant.now());
    stack.pki.pki.renewServing(stack.edgeDir().resolve("local"), current.dnsNames());
    X509Certificate renewed = certificate(ServingCertificate.read(stack.edgeDir().resolve("local"), Instant.now()));
    assertThat(renewed).isNotEqualTo(before);
    for (int wait = 0; wait < 100 && seen.stream().noneMatch(renewed::equals); wait++) {
      socket.send("ws-" + messages);
      chat.send(messages);
      messages++;
      TimeUnit.MILLISECONDS.sleep(100);
    }
    for (int i = 0; i < 10; i++, messages++) {
      socket.send("ws-" + messages);
      chat.send(messages);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    chat.finish();
    socket.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);

    assertThat(seen).as("new connections got the renewed certificate").contains(renewed);
    assertThat(failures).as(served.get() + " served").isEmpty();
    assertThat(served.get()).isGreaterThan(50);
    assertThat(sse.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(IntStream.range(0, 80).boxed().toList());
    assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    int sent = messages;
    assertThat(socket.received).containsExactlyElementsOf(IntStream.range(0, sent).mapToObj(i -> "ws-" + i).toList());
    chat.done.get(10, TimeUnit.SECONDS);
    assertThat(chat.answers).hasSize(sent);
    channel.shutdownNow();
    assertThat(stack.envoyStat("listener_manager.listener_modified")
        + stack.envoyStat("listener_manager.listener_in_place_updated") - listenersChangedBefore)
        .as("a renewal changes a secret, never a listener").isZero();
  }

  private static void count(int status, AtomicInteger served, List<String> failures) {
    if (status == 200) {
      served.incrementAndGet();
    } else {
      failures.add("status " + status);
    }
  }

  private static BindDomainRequest bind(String domain, ServingCertificate certificate) {
    return BindDomainRequest.newBuilder()
        .setDomain(CustomDomain.newBuilder().setDomain(domain).setWorkload("agt-echo-demo"))
        .setCertificateChainPem(certificate.chainPem())
        .setPrivateKeyPem(certificate.keyPem())
        .build();
  }

  private static X509Certificate certificate(ServingCertificate certificate) throws Exception {
    return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(certificate.chainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }

  private static void assertRefused(Runnable call, String why) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(why);
    });
  }

  private interface Exchange {
    RawHttp.TlsExchange run() throws Exception;
  }

  /** The first exchange that succeeds within 10 s: a bound domain reaches Envoy in well under that. */
  private static RawHttp.TlsExchange await(Exchange exchange) throws Exception {
    Exception last = null;
    for (int i = 0; i < 100; i++) {
      try {
        return exchange.run();
      } catch (Exception e) {
        last = e;
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw last;
  }

  private static void awaitRefused(X509Certificate trust, String host) throws Exception {
    for (int i = 0; i < 100; i++) {
      try {
        RawHttp.getTls(trust, stack.httpsPort, host, "/");
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (SSLHandshakeException e) {
        return;
      }
    }
    throw new AssertionError(host + " still served with its certificate after 10 s");
  }
}
