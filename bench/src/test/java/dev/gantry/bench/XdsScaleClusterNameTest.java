package dev.gantry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import org.junit.jupiter.api.Test;

/** The simulated Envoys know a cluster by its name alone, read from its bytes. */
class XdsScaleClusterNameTest {

  @Test
  void aClustersName_isReadFromItsBytes_wherePrefixOrSuffixOfAnotherNameWouldNotMatch() {
    Cluster cluster = Cluster.newBuilder().setName("agt-fanout1-bench@eu-lon-1")
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .setMetadata(Metadata.getDefaultInstance())
        .setAltStatName("agt-fanout10-bench@eu-lon-1").build();

    assertEquals("agt-fanout1-bench@eu-lon-1", XdsScale.clusterName(cluster.toByteString()));
  }

  @Test
  void aNameAfterOtherFields_isFound_andNoNameIsEmpty() {
    // Fields written out of number order still parse: the name is found wherever it is.
    ByteString timeoutFirst = Cluster.newBuilder().setConnectTimeout(Duration.newBuilder().setSeconds(2)).build()
        .toByteString().concat(Cluster.newBuilder().setName("late").build().toByteString());

    assertEquals("late", XdsScale.clusterName(timeoutFirst));
    assertEquals("", XdsScale.clusterName(Cluster.newBuilder().setAltStatName("x").build().toByteString()));
    assertThrows(IllegalStateException.class, () -> XdsScale.clusterName(ByteString.copyFrom(new byte[] {10, 50, 'a'})));
  }
}
