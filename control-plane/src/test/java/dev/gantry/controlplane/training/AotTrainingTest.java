package dev.gantry.controlplane.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.ControlPlaneMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The build's training run, small: it starts a control plane, sees every region published after each write, stops. */
class AotTrainingTest {

  @Test
  void train_publishesTheFleetAndEveryWrite_thenReturnsZero() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ControlPlaneMain()).setErr(new PrintWriter(err));

    int status = command.execute("train", "--workloads", "300", "--writes", "6");

    assertThat(status).as(err.toString()).isZero();
  }

  @Test
  void train_refusesAnUnknownOption() {
    CommandLine command = new CommandLine(new ControlPlaneMain()).setErr(new PrintWriter(new StringWriter()));

    assertThat(command.execute("train", "--workload", "300")).isEqualTo(2);
  }
}
