package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.pki.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./gantry top} as an operator sees it: the CLI's jar run in a real terminal (tmux), as
 * the local operator, against a stack's metrics endpoints and Envoy; the screen read with tmux's
 * capture while requests go through the gateway: the region's figures move.
 */
class TopIT {

  @RegisterExtension static final StackPerClass STACKS = StackPerClass.perClass();

  private static String tmux(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putIfAbsent("TERM", "xterm-256color");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.SECONDS);
    return output;
  }

  /** The terminal's line for {@code region}, split into fields; empty until top drew it. */
  private static List<String> row(String screen, String region) {
    return screen.lines().filter(l -> l.startsWith(region + " ")).findFirst().map(l -> List.of(l.trim().split("\\s+"))).orElse(List.of());
  }

  @Test
  void top_inATerminal_showsTheRegionsRatesMove_whileRequestsGoThrough() throws Exception {
    GatewayStack stack = STACKS.stack();
    stack.pki.files(Identity.operator("local"));
    String session = "gantry-top-" + ProcessHandle.current().pid();
    String command = String.join(" ", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        EnvoyProcess.projectDir().resolve("cli/target/gantry-cli.jar").toString(), "top",
        "--pki-dir", stack.pki.dir().toAbsolutePath().toString(),
        "--control-plane-metrics", "127.0.0.1:" + stack.controlPlaneMetrics.port(),
        "--sidecar", "eu-lon-1=127.0.0.1:" + stack.authzMetrics.port(),
        "--envoy-admin", "eu-lon-1=127.0.0.1:" + stack.envoy.adminPort(),
        "--interval-ms", "1000");
    tmux("new-session", "-d", "-s", session, "-x", "180", "-y", "30", command);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread traffic = new Thread(() -> {
      while (running.get()) {
        try {
          stack.get(stack.host("agt-echo-demo.eu-lon-1"), "/");
          stack.get(stack.host("agt-nobody-demo.eu-lon-1"), "/");
          TimeUnit.MILLISECONDS.sleep(20);
        } catch (Exception e) {
          return;
        }
      }
    });
    try {
      // Quiet first: the region is drawn, in sync, with nothing moving.
      String screen = "";
      for (int i = 0; i < 100 && row(screen, "eu-lon-1").isEmpty(); i++) {
        TimeUnit.MILLISECONDS.sleep(200);
        screen = tmux("capture-pane", "-p", "-t", session);
      }
      assertThat(row(screen, "eu-lon-1")).as(screen).isNotEmpty();
      assertThat(screen).as(screen).contains("ok").contains("control plane: state");

      traffic.start();
      List<String> moving = List.of();
      for (int i = 0; i < 100; i++) {
        TimeUnit.MILLISECONDS.sleep(200);
        screen = tmux("capture-pane", "-p", "-t", session);
        moving = row(screen, "eu-lon-1");
        if (moving.size() > 3 && Double.parseDouble(moving.get(1)) > 0 && Double.parseDouble(moving.get(2)) > 0
            && screen.contains("credentials-required")) {
          break;
        }
      }
      assertThat(Double.parseDouble(moving.get(1))).as("requests/s, in\n%s", screen).isPositive();
      assertThat(Double.parseDouble(moving.get(2))).as("refused/s, in\n%s", screen).isPositive();
      assertThat(screen).as("refusals by reason").containsPattern("credentials-required [0-9.]+");
    } finally {
      running.set(false);
      traffic.join(5_000);
      tmux("kill-session", "-t", session);
    }
  }
}
