package dev.gantry.demo;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.routing.HostPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The local demo issuer: serve its JWKS, or print a token. */
@Command(
    name = "demo-issuer",
    mixinStandardHelpOptions = true,
    subcommands = {DemoIssuerMain.Serve.class, DemoIssuerMain.Token.class},
    description = "The local stack's JWT issuer (demo only: its key is a plain file).")
public final class DemoIssuerMain {

  public static void main(String[] args) {
    int exit = new CommandLine(new DemoIssuerMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Options both subcommands share. */
  static class Common {
    @Option(names = "--key-file", defaultValue = ".gantry/demo-issuer/signing-key.json",
        description = "the private key (created when missing; default: ${DEFAULT-VALUE})")
    Path keyFile;

    @Option(names = "--base", defaultValue = "http://127.0.0.1:18099",
        description = "issuer base URL; workspace w's issuer is <base>/w (default: ${DEFAULT-VALUE})")
    String base;
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the JWKS at /jwks.json.")
  static final class Serve extends Common implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:18099", description = "host:port (default: ${DEFAULT-VALUE})")
    String listen;

    @Override
    public Integer call() throws Exception {
      DemoIssuer issuer = DemoIssuer.load(keyFile, base);
      HostPort address = HostPort.parse(listen);
      HttpServer server = HttpServer.create(address.toSocketAddress(), 64);
      byte[] jwks = issuer.jwks().getBytes(StandardCharsets.UTF_8);
      server.createContext("/jwks.json", exchange -> {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("cache-control", "max-age=300");
        exchange.sendResponseHeaders(200, jwks.length);
        exchange.getResponseBody().write(jwks);
        exchange.close();
      });
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      System.err.println("demo issuer: JWKS at http://" + listen + "/jwks.json");
      return 0;
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true, description = "Print a token for a workspace.")
  static final class Token extends Common implements Callable<Integer> {
    @Option(names = "--workspace", required = true, description = "the workspace the token acts for") String workspace;
    @Option(names = "--subject", defaultValue = "demo-user", description = "sub (default: ${DEFAULT-VALUE})") String subject;
    @Option(names = "--scope", defaultValue = "agt:invoke mcp:call sbx:exec",
        description = "space-separated scopes (default: ${DEFAULT-VALUE})") String scope;
    @Option(names = "--ttl-minutes", defaultValue = "60", description = "lifetime (default: ${DEFAULT-VALUE})") long ttl;
    @Option(names = "--resource", paramLabel = "URL", description = "an MCP server's URL: the token's aud (RFC 8707),"
        + " as an authorization server mints it for a client that asked with resource=URL (default: aud gantry, the"
        + " agent API)") String resource;

    @Override
    public Integer call() throws Exception {
      if (!workspace.matches("[a-z0-9]+")) {
        System.err.println("demo-issuer: --workspace '" + workspace + "' (expected: lower-case letters and digits)");
        return 2;
      }
      if (resource != null && !DemoIssuer.isResourceUri(resource)) {
        System.err.println("demo-issuer: --resource '" + resource + "' (expected: an http or https URL without fragment,"
            + " e.g. https://mcp-notes-demo.run.localhost)");
        return 2;
      }
      System.out.println(DemoIssuer.load(keyFile, base)
          .token(workspace, subject, scope, Duration.ofMinutes(ttl), resource == null ? "gantry" : resource));
      return 0;
    }
  }
}
