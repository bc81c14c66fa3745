package dev.gantry.cli;

import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateAliasRequest;
import dev.gantry.proto.admin.v1.DeleteAliasRequest;
import dev.gantry.proto.admin.v1.ListNamesRequest;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import dev.gantry.proto.admin.v1.Names;
import dev.gantry.proto.admin.v1.UnbindDomainRequest;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Names that reach a workload besides its own hostname: custom domains and legacy ids. */
final class NameCommands {

  private NameCommands() {}

  static NameServiceGrpc.NameServiceBlockingStub stub(io.grpc.Channel channel) {
    return NameServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static String render(Names names) {
    Table domains = new Table("DOMAIN", "WORKLOAD", "LOCATION");
    names.getDomainsList().forEach(d -> domains.row(d.getDomain(), d.getWorkload(), d.getLocation().isEmpty() ? "global" : d.getLocation()));
    Table aliases = new Table("ALIAS", "WORKLOAD");
    names.getAliasesList().forEach(a -> aliases.row(a.getAlias(), a.getWorkload()));
    return domains + System.lineSeparator() + StatusCommand.certificates(names.getCertificatesList()) + System.lineSeparator()
        + aliases + System.lineSeparator()
        + "legacy hosts: " + String.join(", ", names.getLegacyHostsList()) + System.lineSeparator();
  }

  /** A domain's certificate, from the files {@code --cert} and {@code --key} name. */
  static final class CertificateFiles {
    @Option(names = "--cert", required = true, paramLabel = "FILE",
        description = "the certificate chain, PEM, the leaf first; it must name the domain")
    java.nio.file.Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the certificate's private key, PEM")
    java.nio.file.Path key;

    String chainPem() {
      return pem(cert, "certificate");
    }

    String keyPem() {
      return pem(key, "key");
    }

    /** A PEM file's text; a clear error when it cannot be read. */
    private static String pem(java.nio.file.Path file, String what) {
      try {
        return java.nio.file.Files.readString(file);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read the " + what + " " + file + " (" + e.getMessage() + ")");
      }
    }
  }

  @Command(name = "domain", mixinStandardHelpOptions = true, description = "A workspace's own hostnames, each bound to one workload.",
      subcommands = {Domain.Bind.class, Domain.Certificate.class, Domain.Unbind.class, Domain.List.class})
  static final class Domain {

    @Command(name = "bind", mixinStandardHelpOptions = true,
        description = "Bind a hostname to a workload, served over HTTPS with its certificate (chosen by SNI).")
    static final class Bind extends Admin implements Runnable {
      @Parameters(paramLabel = "DOMAIN", description = "e.g. agents.acme.example")
      String domain;

      @Option(names = "--workload", required = true)
      String workload;

      @Option(names = "--location", description = "a region or group to serve it from (default: the nearest allowed)")
      String location = "";

      @picocli.CommandLine.Mixin CertificateFiles certificate;

      @Override
      public void run() {
        String chainPem = certificate.chainPem();
        String keyPem = certificate.keyPem();
        var names = call(channel -> stub(channel).bindDomain(BindDomainRequest.newBuilder()
            .setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder()
                .setDomain(domain).setWorkload(workload).setLocation(location))
            .setCertificateChainPem(chainPem)
            .setPrivateKeyPem(keyPem)
            .build()));
        print(names, n -> "bound " + domain + " to " + workload + System.lineSeparator());
      }
    }

    @Command(name = "certificate", mixinStandardHelpOptions = true,
        description = "Replace a bound domain's certificate (a renewal); the gateways serve it within seconds, open"
            + " connections stay open.")
    static final class Certificate extends Admin implements Runnable {
      @Parameters(paramLabel = "DOMAIN")
      String domain;

      @picocli.CommandLine.Mixin CertificateFiles certificate;

      @Override
      public void run() {
        String chainPem = certificate.chainPem();
        String keyPem = certificate.keyPem();
        var names = call(channel -> stub(channel).setDomainCertificate(
            dev.gantry.proto.admin.v1.SetDomainCertificateRequest.newBuilder()
                .setDomain(domain).setCertificateChainPem(chainPem).setPrivateKeyPem(keyPem).build()));
        print(names, n -> "replaced the certificate of " + domain + System.lineSeparator());
      }
    }

    @Command(name = "unbind", mixinStandardHelpOptions = true, description = "Unbind a hostname.")
    static final class Unbind extends Admin implements Runnable {
      @Parameters(paramLabel = "DOMAIN")
      String domain;

      @Override
      public void run() {
        var names = call(channel -> stub(channel).unbindDomain(UnbindDomainRequest.newBuilder().setDomain(domain).build()));
        print(names, n -> "unbound " + domain + System.lineSeparator());
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List custom domains, aliases and legacy hosts.")
    static final class List extends Admin implements Runnable {
      @Override
      public void run() {
        print(call(channel -> stub(channel).listNames(ListNamesRequest.getDefaultInstance())), NameCommands::render);
      }
    }
  }

  @Command(name = "alias", mixinStandardHelpOptions = true, description = "Legacy workload ids that reach a workload.",
      subcommands = {Alias.Create.class, Alias.Delete.class})
  static final class Alias {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a legacy id reach a workload.")
    static final class Create extends Admin implements Runnable {
      @Parameters(paramLabel = "ALIAS", description = "the legacy id, e.g. agt-oldname-demo")
      String alias;

      @Option(names = "--workload", required = true, description = "the workload it reaches")
      String workload;

      @Override
      public void run() {
        var names = call(channel -> stub(channel).createAlias(
            CreateAliasRequest.newBuilder()
                .setAlias(dev.gantry.proto.fleet.v1.Alias.newBuilder().setAlias(alias).setWorkload(workload))
                .build()));
        print(names, n -> alias + " now reaches " + workload + System.lineSeparator());
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an alias.")
    static final class Delete extends Admin implements Runnable {
      @Parameters(paramLabel = "ALIAS")
      String alias;

      @Override
      public void run() {
        var names = call(channel -> stub(channel).deleteAlias(DeleteAliasRequest.newBuilder().setAlias(alias).build()));
        print(names, n -> "deleted alias " + alias + System.lineSeparator());
      }
    }
  }
}
