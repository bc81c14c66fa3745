package dev.gantry.controlplane.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.ControlPlaneMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The build's training run, small: a control plane started, every region published after each write, stopped. */
class AotTrainingTest {

  @Test
  void train_publishesTheFleetAndEveryWrite_thenSaysWhatItRan() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ControlPlaneMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

    int status = command.execute("train", "--workloads", "300", "--writes", "6");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(String.format("trained: 300 workloads in 3 regions, 6 writes%n"));
  }
}
