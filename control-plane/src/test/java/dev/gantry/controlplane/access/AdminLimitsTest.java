package dev.gantry.controlplane.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateWorkloadRequest;
import dev.gantry.proto.fleet.v1.ApiKey;
import dev.gantry.proto.fleet.v1.CustomDomain;
import dev.gantry.proto.fleet.v1.Workload;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdminLimitsTest {

  @Test
  void ordinaryRequests_pass_andEachKindOfExcess_isNamedWithItsPath() {
    assertThat(AdminLimits.violation(CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().setId("agt-a-demo").addRegions("eu-lon-1").putLabels("team", "search")).build()))
        .isNull();
    assertThat(AdminLimits.violation(BindDomainRequest.newBuilder()
        .setDomain(CustomDomain.newBuilder().setDomain("a.example").setWorkload("agt-a-demo"))
        .setCertificateChainPem("x".repeat(60_000)).setPrivateKeyPem("k".repeat(3_000)).build()))
        .as("certificate chains are allowed their own, larger bound").isNull();

    assertThat(AdminLimits.violation(CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().setId("x".repeat(5000))).build()))
        .isEqualTo("workload.id: 5000 characters (at most 4096)");
    assertThat(AdminLimits.violation(CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().addAllRegions(IntStream.range(0, 1001).mapToObj(i -> "r" + i).toList())).build()))
        .isEqualTo("workload.regions: 1001 entries (at most 1000)");
    assertThat(AdminLimits.violation(CreateWorkloadRequest.newBuilder()
        .setWorkload(Workload.newBuilder().putLabels("blob", "v".repeat(4097))).build()))
        .startsWith("workload.labels[0].value: 4097 characters");
    assertThat(AdminLimits.violation(BindDomainRequest.newBuilder().setCertificateChainPem("x".repeat(70_000)).build()))
        .isEqualTo("certificate_chain_pem: 70000 characters (at most 65536)");
    assertThat(AdminLimits.violation(ApiKey.newBuilder().setSecretSha256(ByteString.copyFrom(new byte[5000])).build()))
        .isEqualTo("secret_sha256: 5000 bytes (at most 4096)");
  }
}
