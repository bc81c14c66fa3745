package dev.gantry.cli;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PkiDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The local PKI of {@code ./gantry up} and the tests: a throw-away CA under {@code .gantry/pki}
 * and a certificate for every part. Production plugs in its own CA (docs/threat-model.md).
 */
@Command(name = "pki", mixinStandardHelpOptions = true,
    description = "The local CA of ./gantry up: certificates for every part (production brings its own CA).",
    subcommands = {PkiCommand.Init.class, PkiCommand.Renew.class})
final class PkiCommand {

  static List<Identity> parts(List<String> regions) {
    List<Identity> parts = new ArrayList<>(List.of(Identity.controlPlane(), Identity.operator("local"),
        Identity.registrar("demo-echo"), Identity.scraper("prometheus"),
        Identity.collector("jaeger")));
    for (String region : regions) {
      parts.add(Identity.gateway(region));
      parts.add(Identity.authz(region));
    }
    return parts;
  }

  /** What a command does to one part's certificate. */
  private interface PartAction {
    void apply(PkiDirectory pki, Identity part) throws IOException;
  }

  /** Does {@code action} for every part of {@code regions} in the CLI's PKI directory; returns that directory. */
  private static Path forEachPart(CommandSpec spec, List<String> regions, PartAction action) throws IOException {
    GantryCli root = spec.root().commandLine().getCommand();
    PkiDirectory pki = PkiDirectory.open(root.pkiDir);
    for (Identity part : parts(regions)) {
      action.apply(pki, part);
    }
    return root.pkiDir;
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the CA (first time) and a certificate for every part that has none or whose is two-thirds through its life.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--region", required = true, paramLabel = "REGION", description = "a region whose gateway and sidecar need certificates (repeatable)")
    List<String> regions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Path dir = forEachPart(spec, regions, PkiDirectory::ensure);
      spec.commandLine().getOut().println("local PKI in " + dir + ": CA " + dir.resolve("ca.pem")
          + ", " + parts(regions).size() + " certificates");
      return 0;
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true,
      description = "Issue new certificates now (same identities) for every part, and the gateways' HTTPS certificate"
          + " (same names): they are picked up without restarts.")
  static final class Renew implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--region", required = true, paramLabel = "REGION", description = "(repeatable)")
    List<String> regions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Path dir = forEachPart(spec, regions, (pki, part) -> pki.renew(part, PkiDirectory.LEAF_LIFETIME));
      spec.commandLine().getOut().println("renewed " + parts(regions).size() + " certificates in " + dir);
      // The edge certificate the control plane issued (./gantry up): renewed for the same names.
      Path edge = dir.resolve("edge").resolve("local");
      if (java.nio.file.Files.exists(edge.resolve(dev.gantry.pki.TlsFiles.CERT))) {
        try {
          var current = dev.gantry.pki.ServingCertificate.read(edge);
          PkiDirectory.open(dir).renewServing(edge, current.dnsNames());
          spec.commandLine().getOut().println("renewed the HTTPS certificate " + edge + " for " + current.dnsNames());
        } catch (dev.gantry.pki.ServingCertificate.Refused e) {
          spec.commandLine().getErr().println("not renewing " + edge + ": " + e.getMessage()
              + " (the control plane issues a new one when it starts)");
        }
      }
      return 0;
    }
  }
}
