package dev.gantry.controlplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.access.AdminLimitsProbe;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.NameRules;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.replicas.MemoryLeaseBook;
import dev.gantry.controlplane.replicas.ReplicaLeases;
import dev.gantry.controlplane.store.FleetStore;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the admin API's request validation: any request message for any
 * unary admin method, decoded from the fuzzer's bytes and answered by the real admin services
 * over a fleet reset to the demo seed before each input. Every answer is OK or a refusal a client
 * can act on (invalid argument, not found, already exists, failed precondition); UNKNOWN or
 * INTERNAL means an exception escaped a validator. The size bounds ({@code AdminLimits}) run on
 * the same messages. {@code scripts/fuzz AdminRequestFuzzTest#request <seconds>} searches further.
 */
class AdminRequestFuzzTest {

  private static final Set<Status.Code> REFUSALS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
      Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE);

  private static final Topology TOPOLOGY = TestTopologies.local();
  private static final FleetStore STORE = new FleetStore();
  private static final List<MethodDescriptor<Object, Object>> METHODS = new ArrayList<>();
  private static final ManagedChannel CHANNEL = start();

  @FuzzTest
  void request(FuzzedDataProvider data) {
    MethodDescriptor<Object, Object> method = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
    Object request;
    try {
      request = method.parseRequest(new ByteArrayInputStream(data.consumeRemainingAsBytes()));
    } catch (RuntimeException notThatMessage) {
      return;
    }
    AdminLimitsProbe.violation((Message) request);
    STORE.update(s -> TestTopologies.demoSeed());
    try {
      ClientCalls.blockingUnaryCall(CHANNEL, method, CallOptions.DEFAULT, request);
    } catch (StatusRuntimeException refused) {
      assertThat(refused.getStatus().getCode()).as(method.getFullMethodName() + " " + refused.getStatus())
          .isIn(REFUSALS);
      assertThat(refused.getStatus().getDescription()).as("a refusal says why").isNotBlank();
    }
  }

  @SuppressWarnings("unchecked")
  private static ManagedChannel start() {
    Deployments deployments = new Deployments(TOPOLOGY);
    WorkspaceRules workspaceRules = new WorkspaceRules(TOPOLOGY);
    List<BindableService> services = List.of(
        new RegionAdmin(TOPOLOGY),
        new WorkloadAdmin(TOPOLOGY, STORE, deployments),
        new PolicyAdmin(TOPOLOGY, STORE, deployments),
        new ReplicaAdmin(STORE, deployments,
            new ReplicaLeases(STORE, deployments, new MemoryLeaseBook(), System::currentTimeMillis)),
        new WorkspaceAdmin(TOPOLOGY, STORE, workspaceRules),
        new NameAdmin(TOPOLOGY, STORE, new NameRules(TOPOLOGY), Clock.systemUTC()),
        new SigningKeyAdmin(STORE, workspaceRules),
        new ApiKeyAdmin(STORE, workspaceRules, new dev.gantry.controlplane.deploy.ApiKeyMint(), Clock.systemUTC()));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService service : services) {
      ServerServiceDefinition definition = service.bindService();
      builder.addService(definition);
      for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
        if (method.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
          METHODS.add((MethodDescriptor<Object, Object>) method.getMethodDescriptor());
        }
      }
    }
    METHODS.sort(java.util.Comparator.comparing(MethodDescriptor::getFullMethodName));
    try {
      Server server = builder.build().start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return InProcessChannelBuilder.forName(name).directExecutor().build();
  }
}
