package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.cli.GantryCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ./gantry <noun> <verb>} (the admin CLI, run in this JVM exactly as its main runs it)
 * against a real control plane and the real Envoy it configures.
 */
class CliIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();
  private static GatewayStack stack;

  @BeforeAll
  static void start() {
    stack = STACKS.stack();
  }

  record Run(int exit, String out, String err) {}

  private static Run gantry(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--control-plane=127.0.0.1:" + stack.controlPlanePort);
    all.add("--pki-dir=" + stack.pki.dir());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = GantryCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  private static long version() {
    return JsonParser.parseString(gantry("workload", "list", "-o", "json").out()).getAsJsonObject().get("version").getAsLong();
  }

  @Test
  void workloadCreate_thenReplicaAdd_isServedThroughTheGateway() throws Exception {
    Run created = gantry("workload", "create", "agt-new-demo", "--region", "eu-lon-1", "--public",
        "--label", "team=search", "--label", "tier=gold", "--send-labels");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("created agt-new-demo (public)").contains("regions:  eu-lon-1")
        .contains("labels:   team=search,tier=gold (sent to the workload)");

    Run added = gantry("replica", "add", "agt-new-demo", "--region", "eu-lon-1", "--address", "127.0.0.1:" + stack.echo.port());
    assertThat(added.exit()).as(added.err()).isZero();
    RawHttp.Response response = stack.get(stack.host("agt-new-demo.eu-lon-1"), "/");
    for (int i = 0; i < 1000 && response.status() != 200; i++) { // at most about 10 s
      TimeUnit.MILLISECONDS.sleep(10);
      response = stack.get(stack.host("agt-new-demo.eu-lon-1"), "/");
    }
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("headers")
        .getAsJsonArray("x-gantry-labels").get(0).getAsString())
        .as("the workload asked for its labels").isEqualTo("team=search,tier=gold");
    RawHttp.Response forged = RawHttp.get(stack.gatewayPort, stack.host("agt-echo-demo.eu-lon-1"), "/",
        RawHttp.headers("x-gantry-labels", "team=forged"));
    assertThat(JsonParser.parseString(forged.body()).getAsJsonObject().getAsJsonObject("headers").has("x-gantry-labels"))
        .as("a client cannot send labels in a workload's name").isFalse();
    RawHttp.Response replaced = RawHttp.get(stack.gatewayPort, stack.host("agt-new-demo.eu-lon-1"), "/",
        RawHttp.headers("x-gantry-labels", "team=forged"));
    assertThat(JsonParser.parseString(replaced.body()).getAsJsonObject().getAsJsonObject("headers")
        .getAsJsonArray("x-gantry-labels").asList()).extracting(e -> e.getAsString()).containsExactly("team=search,tier=gold");

    Run byLabel = gantry("workload", "list", "--label", "team=search");
    assertThat(byLabel.out()).contains("agt-new-demo").contains("team=search,tier=gold").doesNotContain("agt-echo-demo");
    assertThat(gantry("workload", "list", "--label", "team=search", "--label", "tier=silver").out())
        .doesNotContain("agt-new-demo");

    Run listed = gantry("workload", "list", "--workspace", "demo", "-o", "json");
    JsonObject json = JsonParser.parseString(listed.out()).getAsJsonObject();
    assertThat(json.getAsJsonArray("workloads").asList()).anySatisfy(w ->
        assertThat(w.getAsJsonObject().getAsJsonObject("workload").get("id").getAsString()).isEqualTo("agt-new-demo"));

    Run deleted = gantry("workload", "delete", "agt-new-demo");
    assertThat(deleted.exit()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown region        | workload create agt-x-demo --region mars-1                  | not-found: region 'mars-1' is not in the catalog",
      "malformed name        | workload create agt_x_demo                                  | invalid-argument: workload id 'agt_x_demo'",
      "unknown product       | workload create xyz-x-demo                                  | invalid-argument",
      "duplicate workload    | workload create agt-echo-demo --region eu-lon-1             | already-exists: workload 'agt-echo-demo' already exists",
      "sandbox in two        | workload create sbx-x-demo --region eu-lon-1 --region eu-par-1 | invalid-argument: a sandbox runs in exactly one region",
      "policy forbids all    | workload create agt-x-demo --countries JP                    | failed-precondition: the workload's policy (countries [JP]) allows no region",
      "policy forbids region | workload create mcp-x-demo --region us-pdx-1 --continents EU | failed-precondition: 'mcp-x-demo' may not be deployed to [us-pdx-1]",
      "policy vs deployment  | policy set --workspace demo --countries FR                  | failed-precondition: workload 'agt-echo-demo' is deployed to [eu-lon-1]",
      "replica not by IP     | replica add agt-echo-demo --region eu-lon-1 --address echo.local:80 | invalid-argument: address 'echo.local:80' (expected: an IP address and port",
      "replica elsewhere     | replica add agt-echo-demo --region us-pdx-1 --address 127.0.0.1:9 | failed-precondition: workload 'agt-echo-demo' is not deployed to 'us-pdx-1'",
      "workspace in use      | workspace delete demo                                      | failed-precondition: workspace 'demo' still has workloads",
      "bad workspace id      | workspace create Bad-Name                                  | invalid-argument: workspace id 'Bad-Name'",
      "bad label             | workload create agt-x-demo --label Team=a,b                 | invalid-argument: label 'Team=a,b' (expected: a key of 1-63",
  })
  void badInput_isRefusedWithWhatToFix_andWritesNothing(String what, String command, String expected) {
    long before = version();

    Run run = gantry(command.strip().split("\\s+"));

    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.err()).startsWith("gantry " + String.join(" ", List.of(command.strip().split("\\s+")).subList(0, 2)) + ": ")
        .contains(expected);
    assertThat(version()).as("nothing written").isEqualTo(before);
  }

  @Test
  void customDomainAlreadyBound_isRefused_andWritesNothing() throws Exception {
    java.nio.file.Path files = java.nio.file.Files.createTempDirectory(stack.workDir, "domain");
    dev.gantry.pki.LocalCa.create("cli test CA", java.time.Duration.ofDays(1))
        .issueServing(List.of("agents.cli.test"), java.time.Duration.ofDays(1)).write(files);
    String cert = files.resolve("cert.pem").toString();
    String key = files.resolve("key.pem").toString();
    Run bound = gantry("domain", "bind", "agents.cli.test", "--workload", "agt-echo-demo", "--cert", cert, "--key", key);
    assertThat(bound.exit()).as(bound.err()).isZero();
    long before = version();

    Run again = gantry("domain", "bind", "agents.cli.test", "--workload", "agt-private-demo", "--cert", cert, "--key", key);

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("gantry domain bind: already-exists: domain 'agents.cli.test' is already bound to 'agt-echo-demo'");
    assertThat(version()).isEqualTo(before);
    assertThat(gantry("domain", "list").out()).contains("agents.cli.test").contains("agt-echo-demo")
        .doesNotContain("PRIVATE KEY");
    Run renewed = gantry("domain", "certificate", "agents.cli.test", "--cert", cert, "--key", key);
    assertThat(renewed.exit()).as(renewed.err()).isZero();
    Run missing = gantry("domain", "certificate", "agents.cli.test", "--cert", cert, "--key", files.resolve("none.pem").toString());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("cannot read the key");
  }

  @Test
  void controlPlaneUnreachable_saysWhereItLookedAndWhatToDo() {
    StringWriter err = new StringWriter();
    int exit = GantryCli.run(new String[] {"status", "--control-plane=127.0.0.1:1", "--pki-dir=" + stack.pki.dir()},
        new PrintWriter(new StringWriter()), new PrintWriter(err, true));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("gantry status: unavailable").contains("is the control plane running at 127.0.0.1:1?");
  }

  @Test
  void noCredential_saysWhereItLookedAndHowToGetOne() {
    StringWriter err = new StringWriter();
    int exit = GantryCli.run(new String[] {"status", "--control-plane=127.0.0.1:" + stack.controlPlanePort,
        "--pki-dir=" + stack.pki.dir(), "--credential=/nonexistent"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("no credential file /nonexistent/cert.pem").contains("./gantry pki init");
  }

  @Test
  void status_showsTheGatewayAndItsSidecar() {
    Run status = gantry("status");

    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("eu-lon-1").contains("ENVOY").contains("SIDECAR").contains("authz-test-eu-lon-1");
  }

  @Test
  void everyCommand_hasHelp() {
    CommandLine root = new CommandLine(new GantryCli());
    List<List<String>> paths = new ArrayList<>();
    root.getSubcommands().forEach((noun, nounLine) -> {
      paths.add(List.of(noun));
      nounLine.getSubcommands().keySet().forEach(verb -> paths.add(List.of(noun, verb)));
    });
    assertThat(paths).hasSizeGreaterThan(10);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run help = gantry(args.toArray(String[]::new));
      assertThat(help.exit()).as(String.join(" ", path)).isZero();
      assertThat(help.out()).as(String.join(" ", path)).contains("Usage: gantry " + String.join(" ", path));
    }
  }
}
