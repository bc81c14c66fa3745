package dev.gantry.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command shares: the channel to the control plane, and printing. */
abstract class Admin {

  @Spec CommandSpec spec;

  GantryCli root() {
    return spec.root().commandLine().getCommand();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Calls the control plane with a fresh channel; {@code call} gets it and returns an answer. */
  <T> T call(Function<ManagedChannel, T> call) {
    String target = root().controlPlane;
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--control-plane '" + target + "' (expected: host:port)");
    }
    ManagedChannel channel;
    try {
      channel = NettyChannelBuilder.forAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
              credentials())
          .build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--control-plane '" + target + "' (expected: host:port with a numeric port)");
    }
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Mutual TLS as the credential chosen (the local operator by default), accepting only a server
   * that proves to be the control plane. Certificate files are read once: a CLI call is short.
   */
  private io.grpc.ChannelCredentials credentials() {
    dev.gantry.pki.TlsFiles files = root().credentialFiles();
    java.util.concurrent.ScheduledExecutorService never = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "credential-reload");
      thread.setDaemon(true);
      return thread;
    });
    try {
      return dev.gantry.pki.GrpcTls.client(files, peer -> peer.role() == dev.gantry.pki.Identity.Role.CONTROL_PLANE, never);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("credential " + files.cert().getParent() + ": " + e.getMessage());
    }
  }

  /** Prints {@code answer} as JSON with --output json, else as {@code text} renders it. */
  <T extends MessageOrBuilder> void print(T answer, Function<T, String> text) {
    if (root().output == GantryCli.Output.json) {
      try {
        out().println(JsonFormat.printer().preservingProtoFieldNames().print(answer));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out().print(text.apply(answer));
    }
    out().flush();
  }

  /** Deadline for one admin call. */
  static final long DEADLINE_SECONDS = 10;
}
