package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Mutual TLS between gateways. A gateway's internal listener accepts only TLS connections whose
 * client certificate, from the fleet's CA, names a gateway ({@code spiffe://gantry/gateway/...});
 * a gateway forwarding to a peer presents its own and accepts only a gateway's. Anything else —
 * plaintext, no certificate, a sidecar's or an admin's — fails the handshake, before any filter
 * runs, so the identity headers the internal listener trusts can only come from a peer gateway.
 *
 * <p>The certificates never pass through the control plane: each gateway's Envoy reads its own
 * from files named by {@link #IDENTITY_SDS} and {@link #CA_SDS}, paths relative to the Envoy's
 * working directory (its state directory; envoy/README.md), and reloads them when they are
 * replaced (file-based SDS), so a renewal needs no restart and drops no connection.
 */
final class GatewayTls {

  /** The gateway's certificate and key, as an SDS file (a DiscoveryResponse naming the PEM files). */
  static final String IDENTITY_SDS = "sds/identity.yaml";

  /** The CA bundle peers' certificates must chain to, as an SDS file. */
  static final String CA_SDS = "sds/ca.yaml";

  /** Every gateway identity starts with this. */
  static final String GATEWAY_URI_PREFIX = "spiffe://gantry/gateway/";

  /** The endpoint metadata that makes a region-set cluster connect to a peer gateway with TLS. */
  static final String PEER_MATCH = "peer-gateway";

  private GatewayTls() {}

  /** The internal listener's transport: TLS, a peer gateway's client certificate required. */
  static TransportSocket peersOnly() {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(common().addAlpnProtocols("h2").addAlpnProtocols("http/1.1"))
        .build();
    return socket(Any.pack(tls));
  }

  /** The selector a peer gateway's endpoint carries, and a region-set cluster's peer match names. */
  private static final Struct PEER_SELECTOR =
      Struct.newBuilder().putFields("gantry", Value.newBuilder().setStringValue(PEER_MATCH).build()).build();

  /** How a region-set cluster reaches a peer gateway: TLS, its own certificate shown, a gateway's required. */
  static final Cluster.TransportSocketMatch TO_PEERS = Cluster.TransportSocketMatch.newBuilder()
      .setName(PEER_MATCH)
      .setMatch(PEER_SELECTOR)
      .setTransportSocket(socket(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common()).build())))
      .build();

  /** The metadata of a peer gateway's endpoint, selecting {@link #TO_PEERS}. */
  static final Metadata PEER_ENDPOINT =
      Metadata.newBuilder().putFilterMetadata("envoy.transport_socket_match", PEER_SELECTOR).build();

  /**
   * The cipher suites of TLS 1.2 at the edge: ECDHE key exchange and AEAD ciphers only (forward
   * secrecy, no CBC). TLS 1.3's suites are fixed by BoringSSL and all modern.
   */
  static final java.util.List<String> EDGE_CIPHER_SUITES = java.util.List.of(
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
      "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305");

  /**
   * A public HTTPS listener's transport for one certificate: TLS 1.2 or 1.3, the edge cipher
   * suites, ALPN h2 and http/1.1, no client certificate asked. The certificate and key come over
   * ADS as the secret {@code secretName}, so a renewal replaces them in Envoy without touching
   * the listener: no connection is drained.
   */
  static TransportSocket edge(String secretName) {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                .addAllCipherSuites(EDGE_CIPHER_SUITES))
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1")
            .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder()
                .setName(secretName)
                .setSdsConfig(EnvoyValues.ads())))
        .build();
    return socket(Any.pack(tls));
  }

  /** Every trace collector's identity starts with this. */
  static final String COLLECTOR_URI_PREFIX = "spiffe://gantry/collector/";

  /**
   * How the gateway reaches the trace collector: TLS, the gateway's own certificate shown (the
   * collector asks for one of the fleet's), a collector's required of the server.
   */
  static TransportSocket toCollector() {
    return socket(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common(COLLECTOR_URI_PREFIX)
        .addAlpnProtocols("h2")).build()));
  }

  private static CommonTlsContext.Builder common() {
    return common(GATEWAY_URI_PREFIX);
  }

  /** TLS with the gateway's certificate, the peer's chained to the fleet's CA and named {@code peerPrefix}…. */
  private static CommonTlsContext.Builder common(String peerPrefix) {
    return CommonTlsContext.newBuilder()
        .setTlsParams(TlsParameters.newBuilder().setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
        .addTlsCertificateSdsSecretConfigs(fileSecret("gantry-gateway-identity", IDENTITY_SDS))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.URI)
                    .setMatcher(StringMatcher.newBuilder().setPrefix(peerPrefix))))
            .setValidationContextSdsSecretConfig(fileSecret("gantry-ca", CA_SDS)));
  }

  private static SdsSecretConfig fileSecret(String name, String path) {
    return SdsSecretConfig.newBuilder()
        .setName(name)
        .setSdsConfig(ConfigSource.newBuilder()
            .setResourceApiVersion(ApiVersion.V3)
            .setPathConfigSource(PathConfigSource.newBuilder().setPath(path)))
        .build();
  }

  private static TransportSocket socket(Any config) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(config).build();
  }
}
