package dev.gantry.demo;

import dev.gantry.demo.proto.v1.ChatMessage;
import dev.gantry.demo.proto.v1.StreamEchoGrpc;
import io.grpc.stub.StreamObserver;

/** The demo workload's gRPC side: a bidirectional stream that answers every message. */
public final class StreamEchoService extends StreamEchoGrpc.StreamEchoImplBase {

  private final String workload;
  private final String region;

  public StreamEchoService(String workload, String region) {
    this.workload = workload;
    this.region = region;
  }

  @Override
  public StreamObserver<ChatMessage> chat(StreamObserver<ChatMessage> replies) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ChatMessage message) {
        replies.onNext(message.toBuilder().setWorkload(workload).setRegion(region).build());
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; nothing to answer.
      }

      @Override
      public void onCompleted() {
        replies.onCompleted();
      }
    };
  }
}
