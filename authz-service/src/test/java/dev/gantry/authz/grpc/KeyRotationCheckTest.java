package dev.gantry.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Code;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.authz.credential.JwtAuthenticator;
import dev.gantry.authz.credential.KeyLookup;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.authz.credential.VerifiedTokens;
import dev.gantry.authz.engine.DecisionEngine;
import dev.gantry.authz.engine.Snapshots;
import dev.gantry.authz.snapshot.SnapshotStore;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An issuer rotates its key: the first token signed with the new key names a key id the
 * sidecar's key set does not have yet. Its Check waits for the refresh the lookup starts and is
 * answered once the new key is in, instead of being refused once.
 */
class KeyRotationCheckTest {

  private final ScheduledExecutorService fetcher = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  private ManagedChannel channel;

  /** A key set that learns {@code rotated} only through a refresh, which a lookup of an unknown kid starts. */
  private static final class RotatingKeys implements KeyLookup {
    final AtomicReference<JWK> known = new AtomicReference<>();
    final AtomicReference<CompletableFuture<Void>> refresh = new AtomicReference<>(CompletableFuture.completedFuture(null));
    final AtomicInteger refreshes = new AtomicInteger();
    private final ScheduledExecutorService fetcher;
    private final JWK rotated;
    private final boolean refreshBringsTheKey;

    RotatingKeys(ScheduledExecutorService fetcher, JWK rotated, boolean refreshBringsTheKey) {
      this.fetcher = fetcher;
      this.rotated = rotated;
      this.refreshBringsTheKey = refreshBringsTheKey;
    }

    @Override
    public JWK find(URI jwksUri, String kid) {
      JWK key = known.get();
      if (key != null && kid.equals(key.getKeyID())) {
        return key;
      }
      if (refresh.get().isDone()) {
        refreshes.incrementAndGet();
        CompletableFuture<Void> running = new CompletableFuture<>();
        refresh.set(running);
        // The fetch ends a little later, on another thread, as a JWKS fetch does.
        fetcher.schedule(() -> {
          if (refreshBringsTheKey) {
            known.set(rotated);
          }
          running.complete(null);
        }, 50, TimeUnit.MILLISECONDS);
      }
      return null;
    }

    @Override
    public CompletableFuture<Void> refreshing() {
      return refresh.get();
    }
  }

  private final io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter spans =
      io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();

  private AuthorizationGrpc.AuthorizationBlockingStub start(KeyLookup keys) throws Exception {
    SnapshotStore store = new SnapshotStore(s -> {});
    store.swap(Snapshots.demo());
    String name = InProcessServerBuilder.generateName();
    io.opentelemetry.sdk.trace.SdkTracerProvider tracing = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans)).build();
    ExtAuthzService service = new ExtAuthzService(store, new DecisionEngine("eu-lon-1",
        new JwtAuthenticator(keys, new VerifiedTokens(10), Clock.systemUTC())), keys,
        io.opentelemetry.api.metrics.MeterProvider.noop().get("noop"), DecisionLog.NONE, tracing.get("test"), "eu-lon-1");
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(io.grpc.ServerInterceptors.intercept(service, new CheckTraceContext()))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return AuthorizationGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    fetcher.shutdownNow();
  }

  private static String token(ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
        TestIssuer.claims().build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static CheckRequest request(String token) {
    return CheckRequest.newBuilder()
        .setAttributes(AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder()
            .setHttp(AttributeContext.HttpRequest.newBuilder()
                .setHost("agt-private-demo.run.localhost").setMethod("GET").setPath("/")
                .putHeaders("authorization", "Bearer " + token))))
        .build();
  }

  @Test
  void aTokenOfAFreshlyRotatedKey_isAcceptedOnItsFirstRequest() throws Exception {
    ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("rotated-1").generate();
    RotatingKeys keys = new RotatingKeys(fetcher, rotated.toPublicJWK(), true);

    CheckResponse response = start(keys).check(request(token(rotated)));

    assertThat(response.getStatus().getCode()).as(response.getDeniedResponse().getBody()).isEqualTo(Code.OK_VALUE);
    assertThat(keys.refreshes.get()).isEqualTo(1);
  }

  @Test
  void theCheckAnsweredAfterTheRefresh_isStillInEnvoysTrace() throws Exception {
    ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("rotated-2").generate();
    RotatingKeys keys = new RotatingKeys(fetcher, rotated.toPublicJWK(), true);
    io.grpc.Metadata metadata = new io.grpc.Metadata();
    metadata.put(io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    CheckResponse response = start(keys).withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata))
        .check(request(token(rotated)));

    assertThat(response.getStatus().getCode()).isEqualTo(Code.OK_VALUE);
    // Answered from the fetch's thread: its span still has Envoy's span as its parent.
    assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(span -> {
      assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(span.getAttributes().get(dev.gantry.telemetry.TraceAttributes.DECISION_OUTCOME)).isEqualTo("allow");
    });
  }

  @Test
  void aKeyTheRefreshDoesNotBring_isStillRefusedAsUnknown() throws Exception {
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger-1").generate();
    RotatingKeys keys = new RotatingKeys(fetcher, stranger.toPublicJWK(), false);

    CheckResponse response = start(keys).check(request(token(stranger)));

    assertThat(response.getStatus().getCode()).isEqualTo(Code.UNAUTHENTICATED_VALUE);
    assertThat(response.getDeniedResponse().getBody()).contains("\"reason\":\"unknown-kid\"");
  }
}
