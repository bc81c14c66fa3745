package dev.gantry.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.controlplane.deploy.Deployments;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFleetStoreTest {

  private final Deployments deployments = new Deployments(TestTopologies.local());

  private static Workload agent(String id, String... regions) {
    return new Workload(WorkloadId.parse(id), true, new TreeSet<>(List.of(regions)));
  }

  private FleetState create(FleetState state, Workload workload) {
    return deployments.create(state, new Deployments.Request(workload, null));
  }

  @Test
  void embeddedStore_keepsStateAndVersionAcrossRestarts(@TempDir Path dir) {
    FleetStore first = new FleetStore(Database.embedded(dir));
    first.update(state -> TestTopologies.demoSeed());
    first.update(state -> deployments.setWorkspacePolicy(state, "other", new LocationPolicy(Set.of("GB"), Set.of(), Set.of())));
    FleetState written = first.update(state -> deployments.addReplica(create(state, agent("mcp-new-demo", "eu-par-1")),
        new Replica(WorkloadId.parse("mcp-new-demo"), "eu-par-1", HostPort.parse("127.0.0.1:7"))));

    FleetStore restarted = new FleetStore(Database.embedded(dir));

    assertThat(restarted.current()).isEqualTo(written);
    assertThat(restarted.current().version()).isEqualTo(3);
    FleetState next = restarted.update(state -> deployments.delete(state, WorkloadId.parse("mcp-new-demo")));
    assertThat(next.version()).as("versions go on upward after a restart").isEqualTo(4);
  }

  @Test
  void refusedWrite_storesNothing(@TempDir Path dir) {
    FleetStore store = new FleetStore(Database.embedded(dir));
    store.update(state -> TestTopologies.demoSeed());
    FleetState before = store.current();

    assertThatThrownBy(() -> store.update(state -> create(state, agent("sbx-two-demo", "eu-lon-1", "eu-par-1"))))
        .isInstanceOf(Refusal.class);

    assertThat(new FleetStore(Database.embedded(dir)).current()).isEqualTo(before);
  }

  @Test
  void twoStoresOnOneDatabase_seeEachOthersWrites_andNeverLoseOne() {
    Database database = Database.inMemory("shared-" + System.nanoTime());
    FleetStore a = new FleetStore(database);
    FleetStore b = new FleetStore(database);

    a.update(state -> create(state, agent("agt-a-demo")));
    FleetState fromB = b.update(state -> create(state, agent("agt-b-demo")));

    assertThat(fromB.workloads()).as("b reloaded a's write before applying its own")
        .containsKeys(WorkloadId.parse("agt-a-demo"), WorkloadId.parse("agt-b-demo"));
    assertThat(fromB.version()).isEqualTo(2);
    assertThat(a.refresh()).isTrue();
    assertThat(a.current()).isEqualTo(fromB);
  }

  /** One admin call of the concurrency test: what it did and the version that holds it. */
  record Done(long version, String op, WorkloadId id) {}

  @Test
  void sixteenConcurrentWriters_onTwoStores_endInTheStateOfTheirSerialOrder() throws Exception {
    Database database = Database.inMemory("concurrent-" + System.nanoTime());
    FleetStore[] stores = {new FleetStore(database), new FleetStore(database)};
    stores[0].update(state -> TestTopologies.demoSeed());
    FleetState seeded = stores[0].current();
    List<Done> done = Collections.synchronizedList(new ArrayList<>());
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      int client = c;
      futures.add(clients.submit(() -> {
        FleetStore store = stores[client % 2];
        for (int i = 0; i < 25; i++) {
          // Some names are shared by every client (contention), some are the client's own.
          WorkloadId id = WorkloadId.parse("agt-w" + (ThreadLocalRandom.current().nextBoolean() ? i % 5 : client * 100 + i) + "-demo");
          boolean create = ThreadLocalRandom.current().nextInt(3) > 0;
          try {
            FleetState stored = store.update(state -> create
                ? create(state, agent(id.toString(), "eu-lon-1"))
                : deployments.delete(state, id));
            done.add(new Done(stored.version(), create ? "create" : "delete", id));
          } catch (Refusal refused) {
            // Nothing written, by design; any other refusal is a failure, kept for the assertion.
            refusals.add(refused.kind() + ": " + refused.getMessage());
          }
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    clients.shutdown();

    assertThat(refusals).as("only creates of a name that exists and deletes of one that does not are refused")
        .allSatisfy(r -> assertThat(r).matches("(ALREADY_EXISTS|NOT_FOUND): .*"));
    assertThat(done).as("writes went through").isNotEmpty();
    List<Done> serial = new ArrayList<>(done);
    serial.sort((x, y) -> Long.compare(x.version(), y.version()));
    assertThat(serial).extracting(Done::version).as("one version per write, none lost or shared")
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(seeded.version() + 1, seeded.version() + serial.size()).boxed().toList());
    FleetState replayed = seeded;
    for (Done step : serial) {
      replayed = step.op().equals("create") ? create(replayed, agent(step.id().toString(), "eu-lon-1")) : deployments.delete(replayed, step.id());
    }
    FleetState stored = new FleetStore(database).current();
    assertThat(stored.workloads()).isEqualTo(replayed.workloads());
    assertThat(stored.version()).isEqualTo(seeded.version() + serial.size());
  }
}
