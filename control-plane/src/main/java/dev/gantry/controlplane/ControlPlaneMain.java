package dev.gantry.controlplane;

import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.store.Database;
import dev.gantry.controlplane.store.StoreException;
import java.util.Properties;
import dev.gantry.pki.Identity;
import dev.gantry.pki.TlsFiles;
import dev.gantry.controlplane.config.ConfigException;
import dev.gantry.controlplane.config.SeedLoader;
import dev.gantry.controlplane.config.TopologyLoader;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.training.AotTraining;
import dev.gantry.controlplane.xds.GatewayTracing;
import dev.gantry.routing.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gantry.telemetry.MetricsEndpoint;
import dev.gantry.telemetry.Telemetry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the control plane with embedded defaults (the local stack) or given files. */
@Command(
    name = "control-plane",
    mixinStandardHelpOptions = true,
    subcommands = AotTraining.class,
    description = "Gantry's control plane: xDS (ADS) for the gateways' Envoys, the snapshot stream for the authz sidecars, the admin API; its state in an embedded store or PostgreSQL.")
public final class ControlPlaneMain implements Callable<Integer> {

  @Option(names = "--listen", defaultValue = "127.0.0.1:18000",
      description = "host:port for ADS and the snapshot stream (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--regions", description = "region catalog YAML (default: the embedded local catalog)")
  Path regions;

  @Option(names = "--seed", description = "workloads to start with, YAML (default: the embedded demo workloads)")
  Path seed;

  @Option(names = "--data-dir", defaultValue = ".gantry/control-plane",
      description = "where the embedded store keeps its one file, fleet.mv.db (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--store-url",
      description = "a shared store instead of the embedded one: jdbc:postgresql://host:port/db (several control planes may share it)")
  String storeUrl;

  @Option(names = "--store-user", description = "PostgreSQL user (default: from the URL)")
  String storeUser;

  @Option(names = "--store-password-env", defaultValue = "GANTRY_STORE_PASSWORD",
      description = "environment variable holding the PostgreSQL password (default: ${DEFAULT-VALUE})")
  String storePasswordEnv;

  @Option(names = "--pki-dir", defaultValue = ".gantry/pki",
      description = "where ca.pem and control-plane/{cert,key}.pem are, as ./gantry pki init lays them out (default: ${DEFAULT-VALUE})")
  Path pkiDir;

  @Option(names = "--tls-ca", description = "CA bundle clients' certificates must chain to (default: <pki-dir>/ca.pem)")
  Path tlsCa;

  @Option(names = "--tls-cert", description = "this control plane's certificate chain, URI SAN spiffe://gantry/control-plane")
  Path tlsCert;

  @Option(names = "--tls-key", description = "its private key (PKCS#8 PEM)")
  Path tlsKey;

  @Option(names = "--edge-cert-dir",
      description = "the certificates the gateways serve over HTTPS: one subdirectory per certificate with cert.pem (chain)"
          + " and key.pem, watched for changes (default: <pki-dir>/edge)")
  Path edgeCertDir;

  @Option(names = "--edge-certs-from-local-ca",
      description = "issue the catalog's HTTPS certificate from the local CA in <pki-dir> into <edge-cert-dir>/local, and renew"
          + " it (./gantry up); production brings its own certificates instead")
  boolean edgeFromLocalCa;

  @Option(names = "--metrics-listen", description = "host:port of the Prometheus endpoint (/metrics, mutual TLS with the"
      + " control plane's certificate; only spiffe://gantry/scraper/* and operator/* may read it); none by default")
  String metricsListen;

  @Option(names = "--trace-collector", paramLabel = "HOST:PORT",
      description = "the gateways trace requests with Envoy's OpenTelemetry tracer and send their spans here over OTLP/gRPC,"
          + " mutual TLS (the collector's certificate must name spiffe://gantry/collector/*); none by default")
  String traceCollector;

  @Option(names = "--trace-sample-percent", defaultValue = "1",
      description = "the share of the traces a gateway starts that it samples, 0 to 100 (a trace continued from a"
          + " traceparent keeps its parent's decision; the sidecars always sample a refusal) (default: ${DEFAULT-VALUE})")
  double traceSamplePercent;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ControlPlaneMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    HostPort address;
    Topology topology;
    ControlPlane.Config config;
    HostPort metricsAddress = null;
    try {
      address = HostPort.parse(listen);
      if (metricsListen != null) {
        metricsAddress = HostPort.parse(metricsListen);
      }
      topology = TopologyLoader.load(read(regions, "defaults/regions.yaml"), source(regions, "defaults/regions.yaml"));
      FleetState seedState = SeedLoader.load(read(seed, "defaults/seed.yaml"), source(seed, "defaults/seed.yaml"), topology);
      GatewayTracing tracing = traceCollector == null ? null
          : new GatewayTracing(HostPort.parse(traceCollector), traceSamplePercent);
      config = new ControlPlane.Config(address, topology, seedState, database(), tls(), edge(), tracing);
    } catch (ConfigException | IllegalArgumentException | StoreException e) {
      System.err.println("control-plane: " + e.getMessage());
      return 2;
    }
    Telemetry telemetry = Telemetry.start("gantry-control-plane", metricsAddress != null);
    MetricsEndpoint metrics = metricsAddress == null ? null
        : MetricsEndpoint.start(metricsAddress.toSocketAddress(), telemetry, config.tls());
    ControlPlane controlPlane = ControlPlane.start(config, telemetry.meter("dev.gantry.controlplane"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        controlPlane.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (metrics != null) {
          metrics.close();
        }
        telemetry.close();
      }
    }));
    controlPlane.awaitTermination();
    return 0;
  }

  /** The TLS files: given one by one, or in the PKI directory's layout; all must exist. */
  private TlsFiles tls() throws ConfigException {
    TlsFiles files = TlsFiles.in(pkiDir, Identity.controlPlane()).overriddenBy(tlsCa, tlsCert, tlsKey);
    if (files.unreadable() != null) {
      throw new ConfigException("no TLS file " + files.unreadable() + " (every port is mutual TLS: run ./gantry pki init for a"
          + " local CA, or give --tls-ca, --tls-cert and --tls-key)", null);
    }
    return files;
  }

  private ControlPlane.Edge edge() throws IOException {
    Path dir = edgeCertDir != null ? edgeCertDir : pkiDir.resolve("edge");
    return new ControlPlane.Edge(dir, edgeFromLocalCa ? dev.gantry.pki.PkiDirectory.open(pkiDir) : null);
  }

  private Database database() {
    if (storeUrl == null) {
      return Database.embedded(dataDir);
    }
    Properties credentials = new Properties();
    if (storeUser != null) {
      credentials.setProperty("user", storeUser);
    }
    String password = System.getenv(storePasswordEnv);
    if (password != null) {
      credentials.setProperty("password", password);
    }
    return Database.open(storeUrl, credentials);
  }

  private static String source(Path file, String resource) {
    return file != null ? file.toString() : "embedded " + resource;
  }

  private static String read(Path file, String resource) throws IOException, ConfigException {
    if (file != null) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
      }
    }
    try (InputStream in = ControlPlaneMain.class.getResourceAsStream("/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
