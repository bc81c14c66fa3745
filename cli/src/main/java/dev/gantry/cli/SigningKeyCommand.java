package dev.gantry.cli;

import dev.gantry.proto.admin.v1.DeleteSigningKeyRequest;
import dev.gantry.proto.admin.v1.ListSigningKeysRequest;
import dev.gantry.proto.admin.v1.RegisterSigningKeyRequest;
import dev.gantry.proto.admin.v1.SigningKeyServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "signingkey", mixinStandardHelpOptions = true,
    description = "Public keys whose RFC 9421 signed requests act for a workspace.",
    subcommands = {SigningKeyCommand.Register.class, SigningKeyCommand.List.class, SigningKeyCommand.Delete.class})
final class SigningKeyCommand {

  static SigningKeyServiceGrpc.SigningKeyServiceBlockingStub stub(io.grpc.Channel channel) {
    return SigningKeyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a public key (a JWK file: OKP Ed25519 or EC P-256).")
  static final class Register extends Admin implements Runnable {
    @Parameters(paramLabel = "KEY-ID", description = "the signatures' keyid; unique across workspaces")
    String keyId;

    @Option(names = "--workspace", required = true)
    String workspace;

    @Option(names = "--jwk", required = true, paramLabel = "FILE", description = "the public key as a JWK (JSON)")
    Path jwk;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "agt:invoke, mcp:call, sbx:exec (repeatable; default all)")
    java.util.List<String> scopes = new ArrayList<>();

    @Override
    public void run() {
      String json;
      try {
        json = Files.readString(jwk);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--jwk " + jwk + ": cannot read (" + e.getMessage() + ")");
      }
      var registered = call(channel -> stub(channel).registerSigningKey(RegisterSigningKeyRequest.newBuilder()
          .setKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder()
              .setWorkspace(workspace).setKeyId(keyId).setJwk(json).addAllScopes(scopes))
          .build()));
      print(registered, r -> "registered " + r.getKey().getAlg() + " key " + r.getKey().getKeyId() + " for workspace "
          + r.getKey().getWorkspace()
          + System.lineSeparator());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List signing keys.")
  static final class List extends Admin implements Runnable {
    @Option(names = "--workspace")
    String workspace;

    @Override
    public void run() {
      var list = call(channel -> stub(channel).listSigningKeys(
          ListSigningKeysRequest.newBuilder().setWorkspace(workspace == null ? "" : workspace).build()));
      print(list, l -> {
        Table table = new Table("KEY ID", "WORKSPACE", "ALG", "SCOPES");
        l.getKeysList().forEach(info -> {
          var k = info.getKey();
          table.row(k.getKeyId(), k.getWorkspace(), k.getAlg(), String.join(",", k.getScopesList()));
        });
        return table.toString();
      });
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a signing key.")
  static final class Delete extends Admin implements Runnable {
    @Parameters(paramLabel = "KEY-ID")
    String keyId;

    @Override
    public void run() {
      var deleted = call(channel -> stub(channel).deleteSigningKey(DeleteSigningKeyRequest.newBuilder().setKeyId(keyId).build()));
      print(deleted, d -> "deleted signing key " + keyId + System.lineSeparator());
    }
  }
}
