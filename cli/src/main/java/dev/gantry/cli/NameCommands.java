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
    return domains + System.lineSeparator() + aliases + System.lineSeparator()
        + "legacy hosts: " + String.join(", ", names.getLegacyHostsList()) + System.lineSeparator();
  }

  @Command(name = "domain", mixinStandardHelpOptions = true, description = "A workspace's own hostnames, each bound to one workload.",
      subcommands = {Domain.Bind.class, Domain.Unbind.class, Domain.List.class})
  static final class Domain {

    @Command(name = "bind", mixinStandardHelpOptions = true, description = "Bind a hostname to a workload.")
    static final class Bind extends Admin implements Runnable {
      @Parameters(paramLabel = "DOMAIN", description = "e.g. agents.acme.example")
      String domain;

      @Option(names = "--workload", required = true)
      String workload;

      @Option(names = "--location", description = "a region or group to serve it from (default: the nearest allowed)")
      String location = "";

      @Override
      public void run() {
        var names = call(channel -> stub(channel).bindDomain(BindDomainRequest.newBuilder()
            .setDomain(dev.gantry.proto.fleet.v1.CustomDomain.newBuilder()
                .setDomain(domain).setWorkload(workload).setLocation(location))
            .build()));
        print(names, n -> "bound " + domain + " to " + workload + System.lineSeparator());
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
