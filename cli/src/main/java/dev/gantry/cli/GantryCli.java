package dev.gantry.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code ./gantry <noun> <verb>}: the control plane's admin API from a terminal. Human output
 * by default, {@code --output json} for scripts; every error says what to fix.
 */
@Command(
    name = "gantry",
    mixinStandardHelpOptions = true,
    description = "Gantry's admin CLI: workspaces, workloads, replicas, location policies, regions, fleet status.",
    subcommands = {
      WorkspaceCommand.class,
      WorkloadCommand.class,
      ReplicaCommand.class,
      PolicyCommand.class,
      RegionCommand.class,
      StatusCommand.class,
      ApiKeyCommand.class,
      PreviewCommand.class,
      UsageCommands.Usage.class,
      UsageCommands.QuotaCommand.class,
      SigningKeyCommand.class,
      NameCommands.Domain.class,
      NameCommands.Alias.class,
      AuditCommand.class,
      AdminCommand.class,
      PkiCommand.class,
      TopCommand.class,
    })
public final class GantryCli {

  @Option(names = "--control-plane", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
      defaultValue = "${env:GANTRY_CONTROL_PLANE:-127.0.0.1:18000}",
      description = "the control plane's admin API (default: ${DEFAULT-VALUE}; env GANTRY_CONTROL_PLANE)")
  String controlPlane;

  @Option(names = "--pki-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
      defaultValue = "${env:GANTRY_PKI_DIR:-.gantry/pki}",
      description = "the local PKI: ca.pem and the credentials ./gantry pki init made (default: ${DEFAULT-VALUE}; env GANTRY_PKI_DIR)")
  java.nio.file.Path pkiDir;

  @Option(names = "--credential", scope = ScopeType.INHERIT, paramLabel = "DIR",
      defaultValue = "${env:GANTRY_CREDENTIAL}",
      description = "a directory with the cert.pem and key.pem to call as (default: the local operator, <pki-dir>/operator-local;"
          + " env GANTRY_CREDENTIAL); ./gantry admin create makes others")
  java.nio.file.Path credential;

  @Option(names = "--ca", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:GANTRY_CA}",
      description = "CA bundle the control plane's certificate must chain to (default: <pki-dir>/ca.pem; env GANTRY_CA)")
  java.nio.file.Path ca;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "text",
      description = "text (default) or json")
  Output output;

  /**
   * The files of the credential chosen ({@code --credential}, else the local operator's) and the
   * CA ({@code --ca}, else the PKI's).
   *
   * @throws IllegalArgumentException naming the file that cannot be read
   */
  dev.gantry.pki.TlsFiles credentialFiles() {
    java.nio.file.Path dir = credential != null ? credential
        : dev.gantry.pki.PkiDirectory.identityDir(pkiDir, dev.gantry.pki.Identity.operator("local"));
    dev.gantry.pki.TlsFiles files = dev.gantry.pki.TlsFiles.of(pkiDir.resolve(dev.gantry.pki.TlsFiles.CA), dir)
        .overriddenBy(ca, null, null);
    if (files.unreadable() != null) {
      throw new IllegalArgumentException("no credential file " + files.unreadable() + " (./gantry pki init makes the local"
          + " operator's; --credential DIR names another, --ca the CA bundle)");
    }
    return files;
  }

  /** How answers are printed. */
  enum Output {
    text,
    json
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; returns its exit code (0 done, 1 refused or failed, 2 usage). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new GantryCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      GantryCli root = commandLine.getCommandSpec().root().commandLine().getCommand();
      err.println(explain(commandLine.getCommandSpec().qualifiedName(" ").replaceFirst("^gantry ", ""), e, root.controlPlane));
      return 1;
    });
    return cli.execute(args);
  }

  /** What went wrong, and what to do about it. */
  static String explain(String command, Exception e, String controlPlane) {
    if (e instanceof StatusRuntimeException status) {
      String code = status.getStatus().getCode().name().toLowerCase(Locale.ROOT).replace('_', '-');
      String description = status.getStatus().getDescription();
      String hint = switch (status.getStatus().getCode()) {
        case UNAUTHENTICATED, PERMISSION_DENIED -> "\n  the call was made as the credential given with --credential"
            + " (default: the local operator); ./gantry admin create issues workspace admins";
        case UNAVAILABLE -> "\n  is the control plane running at " + controlPlane
            + "? start it with ./gantry up, or point --control-plane (env GANTRY_CONTROL_PLANE) at it";
        case DEADLINE_EXCEEDED -> "\n  the control plane at " + controlPlane + " did not answer in time; try again";
        default -> "";
      };
      return "gantry " + command + ": " + code + ": " + (description == null ? "(no detail)" : description) + hint;
    }
    if (e instanceof IllegalArgumentException) {
      return "gantry " + command + ": " + e.getMessage();
    }
    return "gantry " + command + ": " + e;
  }
}
