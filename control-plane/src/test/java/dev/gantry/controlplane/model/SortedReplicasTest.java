package dev.gantry.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.routing.HostPort;
import dev.gantry.routing.WorkloadId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SortedReplicas against a plain list sorted and searched the obvious way, given the same changes. */
class SortedReplicasTest {

  private static final List<String> REGIONS = List.of("eu-lon-1", "eu-par-1", "us-pdx-1");

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void randomChanges_sameAsSortingAPlainList(long seed) {
    Random random = new Random(seed);
    SortedReplicas sorted = SortedReplicas.EMPTY;
    List<Replica> plain = new ArrayList<>();
    for (int step = 0; step < 2_000; step++) {
      Replica replica = randomReplica(random);
      SortedReplicas before = sorted;
      List<Replica> plainBefore = List.copyOf(plain);
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          sorted = sorted.with(replica);
          if (!plain.contains(replica)) {
            plain.add(replica);
          }
        }
        case 2 -> {
          sorted = sorted.without(replica);
          plain.remove(replica);
        }
        default -> {
          WorkloadId workload = replica.workload();
          sorted = sorted.without(r -> r.workload().equals(workload));
          plain.removeIf(r -> r.workload().equals(workload));
        }
      }
      plain.sort(Replica.ORDER);
      String at = "seed " + seed + ", step " + step;
      assertThat(sorted).as(at).containsExactlyElementsOf(plain);
      assertThat(SortedReplicas.of(new ArrayList<>(plain))).as(at).containsExactlyElementsOf(plain);
      assertThat(sorted.has(replica)).as(at).isEqualTo(plain.contains(replica));
      assertThat(sorted.byRegion(replica.workload())).as(at).isEqualTo(byRegion(plain, replica.workload()));
      assertThat(SortedReplicas.workloadsDiffering(before, sorted)).as(at).isEqualTo(differing(plainBefore, plain));
      assertThat(SortedReplicas.differing(before, sorted)).as(at)
          .containsExactlyElementsOf(differingReplicas(plainBefore, plain));
      // Equal copies (a state loaded again from its store) compare the same as the objects themselves.
      SortedReplicas copies = SortedReplicas.of(sorted.stream()
          .map(r -> new Replica(WorkloadId.parse(r.workload().toString()), r.region(), r.address())).toList());
      assertThat(SortedReplicas.workloadsDiffering(before, copies)).as(at).isEqualTo(differing(plainBefore, plain));
      assertThat(SortedReplicas.differing(before, copies)).as(at)
          .containsExactlyElementsOf(differingReplicas(plainBefore, plain));
    }
  }

  private static Replica randomReplica(Random random) {
    return new Replica(WorkloadId.parse("agt-w" + random.nextInt(20) + "-demo"), REGIONS.get(random.nextInt(3)),
        new HostPort("10.0.0." + random.nextInt(4), 8080 + random.nextInt(2)));
  }

  private static Map<String, List<HostPort>> byRegion(List<Replica> replicas, WorkloadId workload) {
    Map<String, List<HostPort>> byRegion = new HashMap<>();
    replicas.stream().filter(r -> r.workload().equals(workload))
        .forEach(r -> byRegion.computeIfAbsent(r.region(), x -> new ArrayList<>()).add(r.address()));
    return byRegion;
  }

  /** The replicas in one list and not the other, in order. */
  private static List<Replica> differingReplicas(List<Replica> before, List<Replica> after) {
    List<Replica> differing = new ArrayList<>();
    before.stream().filter(r -> !after.contains(r)).forEach(differing::add);
    after.stream().filter(r -> !before.contains(r)).forEach(differing::add);
    differing.sort(Replica.ORDER);
    return differing;
  }

  private static Set<WorkloadId> differing(List<Replica> before, List<Replica> after) {
    Set<WorkloadId> differing = new HashSet<>();
    before.stream().filter(r -> !after.contains(r)).forEach(r -> differing.add(r.workload()));
    after.stream().filter(r -> !before.contains(r)).forEach(r -> differing.add(r.workload()));
    return differing;
  }
}
