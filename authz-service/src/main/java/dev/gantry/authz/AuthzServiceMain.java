package dev.gantry.authz;

import dev.gantry.routing.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import dev.gantry.authz.grpc.DecisionLog;
import dev.gantry.telemetry.MetricsEndpoint;
import dev.gantry.telemetry.Telemetry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts an authz-service sidecar next to one gateway's Envoy. */
@Command(
    name = "authz-service",
    mixinStandardHelpOptions = true,
    description = "Gantry's ext_authz sidecar: answers Envoy's Check from a snapshot streamed by the control plane.")
public final class AuthzServiceMain implements Callable<Integer> {

  @Option(names = "--listen", required = true,
      description = "where Envoy calls: unix:<socket path> (made owner-only; what the catalog's authz names, in the gateway's"
          + " working directory) or host:port (plaintext, for tests and benchmarks: anyone who reaches it may ask for decisions)")
  String listen;

  @Option(names = "--control-plane", defaultValue = "127.0.0.1:18000", description = "host:port of the control plane (default: ${DEFAULT-VALUE})")
  String controlPlane;

  @Option(names = "--region", required = true, description = "region of the gateway this sidecar serves, e.g. eu-lon-1")
  String region;

  @Option(names = "--id", description = "name in the control plane's status view (default: authz-<region>)")
  String id;

  @Option(names = "--pki-dir", defaultValue = ".gantry/pki",
      description = "where ca.pem and authz-<region>/{cert,key}.pem are, as ./gantry pki init lays them out (default: ${DEFAULT-VALUE})")
  Path pkiDir;

  @Option(names = "--tls-ca", description = "CA bundle the control plane's certificate must chain to (default: <pki-dir>/ca.pem)")
  Path tlsCa;

  @Option(names = "--tls-cert", description = "this sidecar's certificate chain, URI SAN spiffe://gantry/authz/<region>")
  Path tlsCert;

  @Option(names = "--tls-key", description = "its private key (PKCS#8 PEM)")
  Path tlsKey;

  @Option(names = "--metrics-listen", description = "host:port of the Prometheus endpoint (/metrics, mutual TLS with this"
      + " sidecar's certificate; only spiffe://gantry/scraper/* and operator/* may read it); none by default")
  String metricsListen;

  @Option(names = "--decision-log", description = "append a JSON line per refusal (and per sampled admission) to this file"
      + " (created owner-only); none by default")
  Path decisionLog;

  @Option(names = "--decision-log-allow-sample", defaultValue = "0.01",
      description = "the share of admissions logged too, 0 to 1 (default: ${DEFAULT-VALUE})")
  double allowSample;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AuthzServiceMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    TlsFiles tls = tls();
    Telemetry telemetry = Telemetry.start("gantry-authz", metricsListen != null);
    MetricsEndpoint metrics = metricsListen == null ? null
        : MetricsEndpoint.start(address("--metrics-listen", metricsListen), telemetry, tls);
    DecisionLog decisions;
    try {
      decisions = decisionLog == null ? DecisionLog.NONE
          : DecisionLog.toFile(decisionLog, allowSample, region, telemetry.meter("dev.gantry.authz"));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new AuthzServiceMain()), "--decision-log-allow-sample: " + e.getMessage());
    }
    AuthzServer server =
        AuthzServer.start(
            new AuthzServer.Config(
                sidecarAddress(listen),
                address("--control-plane", controlPlane),
                region,
                id != null ? id : "authz-" + region,
                AuthzServer.JwksSettings.DEFAULT,
                tls),
            telemetry.meter("dev.gantry.authz"), decisions, telemetry.tracer("dev.gantry.authz"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          decisions.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (metrics != null) {
          metrics.close();
        }
        telemetry.close();
      }
    }));
    server.awaitTermination();
    return 0;
  }

  private TlsFiles tls() {
    TlsFiles files = TlsFiles.in(pkiDir, Identity.authz(region)).overriddenBy(tlsCa, tlsCert, tlsKey);
    if (files.unreadable() != null) {
      throw new CommandLine.ParameterException(new CommandLine(new AuthzServiceMain()), "no TLS file " + files.unreadable()
          + " (the snapshot stream is mutual TLS: run ./gantry pki init for a local CA, or give --tls-ca, --tls-cert and --tls-key)");
    }
    return files;
  }

  private static dev.gantry.routing.SidecarAddress sidecarAddress(String value) {
    try {
      return dev.gantry.routing.SidecarAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new AuthzServiceMain()), "--listen: " + e.getMessage());
    }
  }

  private static InetSocketAddress address(String flag, String value) {
    try {
      return HostPort.parse(value).toSocketAddress();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new AuthzServiceMain()), flag + ": " + e.getMessage());
    }
  }
}
