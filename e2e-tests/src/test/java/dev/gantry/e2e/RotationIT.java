package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every certificate of a running three-region stack renewed at once, under traffic: the new
 * certificates reach the Envoys (file-based SDS) and the Java services (re-read files) without a
 * restart, an SSE stream forwarded between gateways over mutual TLS runs on to its end, and the
 * requests sent meanwhile — cross-region, over the peers' new connections — all succeed.
 */
class RotationIT {

  private static MultiRegionStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new MultiRegionStack();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void renewedCertificates_reachEveryPart_openStreamsSurvive_requestsKeepSucceeding() throws Exception {
    MultiRegionStack.Site london = stack.site("eu-lon-1");
    // Entered in London, served in Paris: the stream rides a peer connection over mutual TLS.
    CompletableFuture<List<Integer>> sse = StreamClients.sse(london.gatewayPort,
        "agt-echo-demo.eu-par-1.run.localhost:" + london.gatewayPort, "/sse?n=60&interval_ms=250");
    AtomicInteger served = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
      Instant end = Instant.now().plusSeconds(14);
      while (Instant.now().isBefore(end)) {
        for (String host : List.of("agt-echo-demo.eu-par-1", "agt-echo-demo.us-pdx-1", "agt-echo-demo.eu-lon-1")) {
          try {
            RawHttp.Response response = london.get(host, "/");
            if (response.status() == 200) {
              served.incrementAndGet();
            } else {
              failures.add(host + " " + response.status() + " " + response.body());
            }
          } catch (Exception e) {
            failures.add(host + " " + e);
          }
        }
      }
    });
    TimeUnit.SECONDS.sleep(2);

    TestPki pki = TestPki.in(stack.workDir);
    List<Identity> parts = new ArrayList<>(List.of(Identity.controlPlane(), Identity.registrar("test")));
    for (String region : MultiRegionStack.REGIONS) {
      parts.add(Identity.gateway(region));
      parts.add(Identity.authz(region));
    }
    for (Identity part : parts) {
      pki.pki.renew(part, Duration.ofDays(2));
    }
    BigInteger londonGateway = serial(pki.files(Identity.gateway("eu-lon-1")));
    BigInteger controlPlane = serial(pki.files(Identity.controlPlane()));

    await("eu-lon-1's Envoy uses its new certificate",
        () -> envoySerials(stack.site("eu-lon-1").envoy).contains(londonGateway));
    await("the control plane serves its new certificate", () -> controlPlane.equals(servedSerial()));

    List<Integer> events = sse.get(60, TimeUnit.SECONDS);
    load.get(60, TimeUnit.SECONDS);
    assertThat(events).as("the stream opened before the renewal ran to its end").hasSize(60);
    assertThat(failures).as("requests during the renewal (%d served)", served.get()).isEmpty();
    assertThat(served.get()).isPositive();
    RawHttp.Response after = london.get("agt-echo-demo.us-pdx-1", "/");
    assertThat(after.status()).as("forwarded over a peer connection made with the new certificates").isEqualTo(200);
  }

  /** The serial numbers of every certificate the Envoy has loaded ({@code /certs}; hex, perhaps zero-padded). */
  private static java.util.Set<BigInteger> envoySerials(EnvoyProcess envoy) {
    java.util.Set<BigInteger> serials = new java.util.HashSet<>();
    java.util.regex.Matcher serial = java.util.regex.Pattern.compile("\"serial_number\"\\s*:\\s*\"([0-9a-fA-F]+)\"")
        .matcher(envoy.admin("/certs"));
    while (serial.find()) {
      serials.add(new BigInteger(serial.group(1), 16));
    }
    return serials;
  }

  private static BigInteger serial(TlsFiles files) throws Exception {
    try (InputStream in = Files.newInputStream(files.cert())) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }

  /** The serial of the certificate the control plane presents to a new connection. */
  private static BigInteger servedSerial() {
    try (SSLSocket socket = (SSLSocket) TestPki.in(stack.workDir).tlsClient(Identity.operator("local"))
        .createSocket("127.0.0.1", stack.controlPlanePort)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    } catch (Exception e) {
      return BigInteger.ZERO;
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as("not within 30 s: " + what).isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
