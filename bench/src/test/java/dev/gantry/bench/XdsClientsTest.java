package dev.gantry.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import org.junit.jupiter.api.Test;

/**
 * The simulated Envoys know a cluster by its name alone, read from its bytes, and report each
 * one's arrival to xds-scale in a line it reads back.
 */
class XdsClientsTest {

  @Test
  void aClustersName_isReadFromItsBytes_wherePrefixOrSuffixOfAnotherNameWouldNotMatch() {
    Cluster cluster = Cluster.newBuilder().setName("agt-fanout1-bench@eu-lon-1")
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .setMetadata(Metadata.getDefaultInstance())
        .setAltStatName("agt-fanout10-bench@eu-lon-1").build();

    assertEquals("agt-fanout1-bench@eu-lon-1", XdsClients.clusterName(cluster.toByteString()));
  }

  @Test
  void aNameAfterOtherFields_isFound_andNoNameIsEmpty() {
    // Fields written out of number order still parse: the name is found wherever it is.
    ByteString timeoutFirst = Cluster.newBuilder().setConnectTimeout(Duration.newBuilder().setSeconds(2)).build()
        .toByteString().concat(Cluster.newBuilder().setName("late").build().toByteString());

    assertEquals("late", XdsClients.clusterName(timeoutFirst));
    assertEquals("", XdsClients.clusterName(Cluster.newBuilder().setAltStatName("x").build().toByteString()));
    assertThrows(IllegalStateException.class, () -> XdsClients.clusterName(ByteString.copyFrom(new byte[] {10, 50, 'a'})));
  }

  @Test
  void aSeenLine_givesEveryArrival_andAnythingElseEndsTheMeasurement() {
    assertArrayEquals(new long[] {12, -3, 40000000000L},
        XdsClients.arrivals("agt-a-bench@eu-lon-1", "seen agt-a-bench@eu-lon-1 12 -3 40000000000"));

    IllegalStateException failed = assertThrows(IllegalStateException.class,
        () -> XdsClients.arrivals("agt-a-bench@eu-lon-1", "failed sim-7 did not see agt-a-bench@eu-lon-1 within 60 s"));
    assertTrue(failed.getMessage().contains("sim-7 did not see"), failed.getMessage());
    // The arrivals of another cluster (a prefix of the awaited one's name) are not this one's.
    assertThrows(IllegalStateException.class,
        () -> XdsClients.arrivals("agt-a-bench@eu-lon-10", "seen agt-a-bench@eu-lon-1 12"));
    assertThrows(IllegalStateException.class, () -> XdsClients.arrivals("agt-a-bench@eu-lon-1", null));
  }
}
