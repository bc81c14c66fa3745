package dev.gantry.controlplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.controlplane.TestTopologies;
import dev.gantry.pki.LocalCa;
import dev.gantry.pki.PkiDirectory;
import dev.gantry.pki.ServingCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeCertificateDirectoryTest {

  private static final LocalCa CA = LocalCa.create("edge tests", Duration.ofDays(30));

  private final List<EdgeCertificates> published = new ArrayList<>();

  @Test
  void loadsEachPair_reportsChangesOnly_andABadReplacementKeepsTheServedOne(@TempDir Path dir) throws Exception {
    EdgeCertificateDirectory directory = new EdgeCertificateDirectory(dir, Clock.systemUTC(), published::add);
    directory.scan();
    assertThat(published).containsExactly(EdgeCertificates.NONE);

    ServingCertificate first = CA.issueServing(List.of("*.run.example"), Duration.ofDays(1));
    first.write(dir.resolve("main"));
    directory.scan();
    directory.scan();
    assertThat(published).hasSize(2);
    assertThat(published.getLast().byName()).containsOnlyKeys("main").containsValue(first);

    // A key of another certificate (a renewal caught half-way, a mistake): not served.
    Files.writeString(dir.resolve("main/key.pem"), CA.issueServing(List.of("*.run.example"), Duration.ofDays(1)).keyPem());
    directory.scan();
    assertThat(published).hasSize(2);
    // Garbage, an expired one: neither replaces it.
    Files.writeString(dir.resolve("main/cert.pem"), "not a certificate");
    directory.scan();
    assertThat(published).hasSize(2);

    ServingCertificate renewed = CA.issueServing(List.of("*.run.example"), Duration.ofDays(1));
    renewed.write(dir.resolve("main"));
    directory.scan();
    assertThat(published).hasSize(3);
    assertThat(published.getLast().byName().get("main")).isEqualTo(renewed);

    Files.delete(dir.resolve("main/cert.pem"));
    directory.scan();
    assertThat(published.getLast().byName()).isEmpty();
  }

  @Test
  void localIssuer_coversEveryCatalogName_andTheDirectoryServesIt(@TempDir Path dir) throws Exception {
    LocalEdgeIssuer issuer = new LocalEdgeIssuer(PkiDirectory.open(dir.resolve("pki")), dir.resolve("edge"), TestTopologies.local());
    issuer.ensure();
    EdgeCertificateDirectory directory = new EdgeCertificateDirectory(dir.resolve("edge"), Clock.systemUTC(), published::add);
    directory.scan();

    ServingCertificate local = published.getLast().byName().get(LocalEdgeIssuer.NAME);
    assertThat(local.dnsNames()).containsExactlyElementsOf(EdgeNames.required(TestTopologies.local()));
    assertThat(EdgeNames.uncovered(TestTopologies.local(), List.of(local))).isEmpty();
  }
}
