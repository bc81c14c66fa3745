package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import dev.gantry.controlplane.edge.EdgeCertificates;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.pki.ServingCertificate;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public HTTPS listener and the certificates it serves. One filter chain per certificate,
 * chosen by the name the client sends (SNI): a custom domain's chain matches that domain exactly,
 * a catalog certificate's chain matches the names it carries ({@code *.eu-lon-1.run.example}
 * and so on; Envoy prefers the longest match). A client naming no host, or a host no chain
 * matches, gets the default chain: the first catalog certificate, which its verification then
 * refuses for a host it does not cover. Every chain carries the same HTTP connection manager as
 * the plaintext listener, so authorization and routing do not depend on the transport.
 *
 * <p>Binding or unbinding a domain adds or removes one filter chain and changes nothing else of
 * the listener, which Envoy applies in place: only connections of a removed chain are drained,
 * every other stays open. A renewed certificate changes only its secret, not the listener.
 * (docs/architecture.md, "Envoy and library behaviour we rely on".)
 */
final class GatewayEdge {

  static final String LISTENER_NAME = "gateway-https";

  private GatewayEdge() {}

  /** What one region's gateways serve over HTTPS. */
  record Resources(Listener listener, List<Secret> secrets) {}

  /**
   * The HTTPS listener of {@code site} and its secrets; null when the site has no HTTPS listener
   * or there is no certificate to serve.
   */
  static Resources of(GatewaySite site, EdgeCertificates catalog, Routing domains, Filter connectionManager) {
    if (site.https() == null) {
      return null;
    }
    List<FilterChain> chains = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    Set<String> claimed = new HashSet<>();
    // Custom domains first: a domain bound with its own certificate is served with it, even if
    // a catalog certificate also names it.
    for (Routing.CustomDomain d : domains.certifiedDomains()) {
      String secret = "edge-domain-" + d.domain();
      claimed.add(d.domain());
      chains.add(chain("domain:" + d.domain(), List.of(d.domain()), secret, connectionManager));
      secrets.add(secret(secret, d.certificate()));
    }
    FilterChain defaultChain = null;
    for (Map.Entry<String, ServingCertificate> entry : catalog.byName().entrySet()) {
      String secret = "edge-catalog-" + entry.getKey();
      // Each name in one chain only: Envoy refuses a listener whose chains match the same name.
      List<String> names = entry.getValue().dnsNames().stream().filter(claimed::add).toList();
      if (!names.isEmpty()) {
        chains.add(chain("catalog:" + entry.getKey(), names, secret, connectionManager));
      }
      boolean isDefault = defaultChain == null;
      if (isDefault) {
        defaultChain = chain("default:" + entry.getKey(), List.of(), secret, connectionManager);
      }
      if (!names.isEmpty() || isDefault) {
        secrets.add(secret(secret, entry.getValue()));
      }
    }
    if (chains.isEmpty() && defaultChain == null) {
      return null;
    }
    Listener.Builder listener = Listener.newBuilder()
        .setName(LISTENER_NAME)
        .setAddress(EnvoyValues.address(site.https()))
        // Reads the ClientHello's server name before a chain is chosen.
        .addListenerFilters(ListenerFilter.newBuilder()
            .setName("envoy.filters.listener.tls_inspector")
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
        .addAllFilterChains(chains);
    if (defaultChain != null) {
      listener.setDefaultFilterChain(defaultChain);
    }
    secrets.sort(Comparator.comparing(Secret::getName));
    return new Resources(listener.build(), List.copyOf(secrets));
  }

  private static FilterChain chain(String name, List<String> serverNames, String secret, Filter connectionManager) {
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setName(name)
        .setTransportSocket(GatewayTls.edge(secret))
        .addFilters(connectionManager);
    if (!serverNames.isEmpty()) {
      chain.setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(serverNames));
    }
    return chain.build();
  }

  private static Secret secret(String name, ServingCertificate certificate) {
    return Secret.newBuilder()
        .setName(name)
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(DataSource.newBuilder().setInlineString(certificate.chainPem()))
            .setPrivateKey(DataSource.newBuilder().setInlineString(certificate.keyPem())))
        .build();
  }
}
