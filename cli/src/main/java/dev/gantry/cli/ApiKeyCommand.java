package dev.gantry.cli;

import dev.gantry.proto.admin.v1.ApiKeyInfo;
import dev.gantry.proto.admin.v1.ApiKeyServiceGrpc;
import dev.gantry.proto.admin.v1.CreateApiKeyRequest;
import dev.gantry.proto.admin.v1.ListApiKeysRequest;
import dev.gantry.proto.admin.v1.RevokeApiKeyRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apikey", mixinStandardHelpOptions = true, description = "Create, list and revoke a workspace's API keys.",
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.List.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand {

  static ApiKeyServiceGrpc.ApiKeyServiceBlockingStub stub(io.grpc.Channel channel) {
    return ApiKeyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a key and print it once (only its hash is kept). Send it as Authorization: Bearer <key> or X-Api-Key: <key>.")
  static final class Create extends Admin implements Runnable {
    @Option(names = "--workspace", required = true, description = "the workspace it acts for")
    String workspace;

    @Option(names = "--name", defaultValue = "", description = "what it is for")
    String name;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "agt:invoke, mcp:call, sbx:exec (repeatable; default all)")
    java.util.List<String> scopes = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", description = "expires after this, e.g. 90d, 12h, 30m (default: never)")
    String ttl;

    @Override
    public void run() {
      CreateApiKeyRequest.Builder request = CreateApiKeyRequest.newBuilder()
          .setWorkspace(workspace).setName(name).addAllScopes(scopes);
      if (ttl != null) {
        request.setTtlSeconds(parseDuration(ttl).toSeconds());
      }
      var created = call(channel -> stub(channel).createApiKey(request.build()));
      if (root().output == GantryCli.Output.json) {
        print(created, c -> "");
      } else {
        out().println(created.getKey());
        out().flush();
        spec.commandLine().getErr().println("(API key " + created.getInfo().getKey().getId() + " of workspace " + workspace
            + ", scopes " + String.join(",", created.getInfo().getKey().getScopesList()) + "; shown once, keep it now)");
      }
    }
  }

  static Duration parseDuration(String text) {
    if (!text.matches("\\d+[dhms]")) {
      throw new IllegalArgumentException("--ttl '" + text + "' (expected: a number and d, h, m or s, e.g. 90d)");
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 'd' -> Duration.ofDays(n);
      case 'h' -> Duration.ofHours(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
  static final class List extends Admin implements Runnable {
    @Option(names = "--workspace", description = "only this workspace's")
    String workspace;

    @Override
    public void run() {
      var list = call(channel -> stub(channel).listApiKeys(
          ListApiKeysRequest.newBuilder().setWorkspace(workspace == null ? "" : workspace).build()));
      print(list, l -> {
        Table table = new Table("ID", "WORKSPACE", "NAME", "SCOPES", "EXPIRES", "STATE");
        for (ApiKeyInfo info : l.getKeysList()) {
          var k = info.getKey();
          table.row(k.getId(), k.getWorkspace(), k.getName().isEmpty() ? "-" : k.getName(), String.join(",", k.getScopesList()),
              k.getExpiresAtEpochSeconds() == 0 ? "never" : Instant.ofEpochSecond(k.getExpiresAtEpochSeconds()),
              k.getRevoked() ? "revoked" : "active");
        }
        return table.toString();
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: refused by every gateway from the next snapshot on.")
  static final class Revoke extends Admin implements Runnable {
    @Parameters(paramLabel = "ID", description = "the key's id (the part after gk_, before the next _)")
    String id;

    @Override
    public void run() {
      var revoked = call(channel -> stub(channel).revokeApiKey(RevokeApiKeyRequest.newBuilder().setId(id).build()));
      print(revoked, r -> "revoked API key " + r.getKey().getId() + " of workspace " + r.getKey().getWorkspace()
          + " (state version " + r.getVersion() + ")" + System.lineSeparator());
    }
  }
}
