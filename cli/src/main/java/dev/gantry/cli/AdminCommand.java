package dev.gantry.cli;

import dev.gantry.pki.Identity;
import dev.gantry.pki.PkiDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Admin credentials from the local CA: a workspace admin, or another operator. */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Admin credentials from the local CA (production: issue them from your own CA with the same URI SANs).",
    subcommands = {AdminCommand.Create.class})
final class AdminCommand {

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Issue a credential (a directory with cert.pem and key.pem): use it with --credential DIR.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    static final class Who {
      @Option(names = "--workspace", description = "a workspace admin: manages that workspace's workloads, keys and domains only")
      String workspace;

      @Option(names = "--operator", description = "an operator: may do everything")
      boolean operator;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    @Option(names = "--name", defaultValue = "admin", description = "who holds it, e.g. alice (default: ${DEFAULT-VALUE})")
    String name;

    @Override
    public Integer call() throws IOException {
      GantryCli root = spec.root().commandLine().getCommand();
      Identity identity;
      try {
        identity = who.operator ? Identity.operator(name) : Identity.workspaceAdmin(who.workspace, name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      PkiDirectory pki = PkiDirectory.open(root.pkiDir);
      pki.renew(identity, PkiDirectory.LEAF_LIFETIME);
      Path dir = PkiDirectory.identityDir(root.pkiDir, identity);
      spec.commandLine().getOut().println(dir);
      spec.commandLine().getErr().println("(" + identity + ", valid " + PkiDirectory.LEAF_LIFETIME.toDays()
          + " days: ./gantry --credential " + dir + " <command>)");
      return 0;
    }
  }
}
