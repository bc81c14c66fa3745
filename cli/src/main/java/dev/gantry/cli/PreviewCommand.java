package dev.gantry.cli;

import dev.gantry.proto.admin.v1.CreatePreviewRequest;
import dev.gantry.proto.admin.v1.CreatePreviewTokenRequest;
import dev.gantry.proto.admin.v1.DeletePreviewRequest;
import dev.gantry.proto.admin.v1.PreviewServiceGrpc;
import dev.gantry.proto.admin.v1.RevokePreviewTokenRequest;
import dev.gantry.proto.admin.v1.WorkloadInfo;
import dev.gantry.proto.fleet.v1.Preview;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "preview", mixinStandardHelpOptions = true,
    description = "Preview URLs for a sandbox's ports, <port>--<sandbox>[.<location>].<base>, and their tokens.",
    subcommands = {PreviewCommand.Create.class, PreviewCommand.Delete.class, PreviewCommand.Token.class,
        PreviewCommand.Revoke.class})
final class PreviewCommand {

  static PreviewServiceGrpc.PreviewServiceBlockingStub stub(io.grpc.Channel channel) {
    return PreviewServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** The sandbox's ports, as a line. */
  static String ports(WorkloadInfo info) {
    return info.getWorkload().getId() + " exposes " + (info.getWorkload().getPreviewsCount() == 0 ? "no port"
        : info.getWorkload().getPreviewsList().stream()
            .map(p -> p.getPort() + (p.getPublic() ? " (public)" : " (private, " + live(p) + " live tokens)"))
            .collect(Collectors.joining(", "))) + System.lineSeparator();
  }

  private static long live(Preview preview) {
    long now = System.currentTimeMillis() / 1000;
    return preview.getTokensList().stream().filter(t -> !t.getRevoked() && t.getExpiresAtEpochSeconds() > now).count();
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Expose a port of a sandbox (or change whether it is public).")
  static final class Create extends Admin implements Runnable {
    @Parameters(paramLabel = "SANDBOX", description = "e.g. sbx-box-demo")
    String sandbox;

    @Option(names = "--port", required = true, description = "1024-65535: the port its replicas serve it on")
    int port;

    @Option(names = "--public", description = "reachable without credentials (default: a preview token or the workspace's credentials)")
    boolean isPublic;

    @Override
    public void run() {
      var info = call(channel -> stub(channel).createPreview(
          CreatePreviewRequest.newBuilder().setWorkload(sandbox).setPort(port).setPublic(isPublic).build()));
      print(info, PreviewCommand::ports);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Stop exposing a port; its tokens go with it.")
  static final class Delete extends Admin implements Runnable {
    @Parameters(paramLabel = "SANDBOX")
    String sandbox;

    @Option(names = "--port", required = true)
    int port;

    @Override
    public void run() {
      var info = call(channel -> stub(channel).deletePreview(
          DeletePreviewRequest.newBuilder().setWorkload(sandbox).setPort(port).build()));
      print(info, PreviewCommand::ports);
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Mint a token that opens one port of one sandbox, and print it once (only its hash is kept)."
          + " Send it as Authorization: Bearer <token>, or once as ?gantry_preview_token=<token> (a browser gets a cookie).")
  static final class Token extends Admin implements Runnable {
    @Parameters(paramLabel = "SANDBOX")
    String sandbox;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "15m, 1h, 7d; at most 30d (default: ${DEFAULT-VALUE})")
    String ttl;

    @Override
    public void run() {
      var created = call(channel -> stub(channel).createPreviewToken(
          CreatePreviewTokenRequest.newBuilder().setWorkload(sandbox).setPort(port).setTtl(ttl).build()));
      if (root().output == GantryCli.Output.json) {
        print(created, c -> "");
      } else {
        out().println(created.getToken());
        out().flush();
        spec.commandLine().getErr().println("(preview token " + created.getId() + " of " + sandbox + " port " + port
            + ", until " + java.time.Instant.ofEpochSecond(created.getExpiresAtEpochSeconds()) + "; shown once. URLs: "
            + String.join(" ", created.getUrlsList()) + ")");
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a preview token.")
  static final class Revoke extends Admin implements Runnable {
    @Parameters(paramLabel = "SANDBOX")
    String sandbox;

    @Parameters(paramLabel = "TOKEN-ID")
    String id;

    @Override
    public void run() {
      var info = call(channel -> stub(channel).revokePreviewToken(
          RevokePreviewTokenRequest.newBuilder().setWorkload(sandbox).setId(id).build()));
      print(info, i -> "revoked preview token " + id + "; " + ports(i));
    }
  }
}
