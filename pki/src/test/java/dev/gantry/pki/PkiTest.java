package dev.gantry.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {

  @Test
  void identity_roundTripsThroughItsUri_andRefusesWhatIsNotOne() {
    for (Identity identity : new Identity[] {Identity.gateway("eu-lon-1"), Identity.authz("us-pdx-1"), Identity.controlPlane(),
        Identity.operator("local"), Identity.workspaceAdmin("demo", "alice"), Identity.registrar("demo-echo"),
        Identity.scraper("prometheus"), Identity.collector("jaeger")}) {
      assertThat(Identity.parse(identity.uri().toString())).isEqualTo(identity);
    }
    assertThat(Identity.workspaceAdmin("demo", "alice").workspace()).isEqualTo("demo");
    assertThat(Identity.gateway("eu-lon-1").uri()).hasToString("spiffe://gantry/gateway/eu-lon-1");
    assertThatThrownBy(() -> Identity.parse("spiffe://other/gateway/x")).hasMessageContaining("expected: spiffe://gantry/");
    assertThatThrownBy(() -> Identity.parse("spiffe://gantry/root/x")).hasMessageContaining("no role 'root'");
    assertThatThrownBy(() -> Identity.gateway("EU/../x")).hasMessageContaining("expected: a region id or name");
    assertThatThrownBy(() -> new Identity(Identity.Role.WORKSPACE_ADMIN, "demo")).hasMessageContaining("<workspace>/<name>");
  }

  @Test
  void issuedCertificate_carriesItsIdentity_isSignedByTheCa_andItsKeyIsOwnerOnly(@TempDir Path dir) throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir);
    TlsFiles files = pki.ensure(Identity.gateway("eu-lon-1"));

    X509Certificate ca = read(files.ca());
    X509Certificate leaf = read(files.cert());
    assertThat(Identity.of(leaf)).isEqualTo(Identity.gateway("eu-lon-1"));
    leaf.verify(ca.getPublicKey());
    assertThat(Files.getPosixFilePermissions(files.key())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Identity.of(ca)).hasMessageContaining("names no Gantry identity");

    byte[] before = Files.readAllBytes(files.cert());
    pki.ensure(Identity.gateway("eu-lon-1"));
    assertThat(Files.readAllBytes(files.cert())).as("a fresh certificate is kept").isEqualTo(before);
    pki.renew(Identity.gateway("eu-lon-1"), Duration.ofHours(1));
    assertThat(Files.readAllBytes(files.cert())).as("renewed in place").isNotEqualTo(before);
    read(files.cert()).verify(PkiDirectory.open(dir).ensure(Identity.controlPlane()) != null ? ca.getPublicKey() : null);
  }

  private static X509Certificate read(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void tlsFiles_takeEachGivenFileInPlaceOfTheLayouts_andNameTheFirstThatCannotBeRead(@TempDir Path dir) throws Exception {
    TlsFiles layout = PkiDirectory.open(dir).ensure(Identity.controlPlane());
    assertThat(layout).isEqualTo(TlsFiles.in(dir, Identity.controlPlane()));
    assertThat(layout.unreadable()).isNull();

    Path otherCa = dir.resolve("elsewhere/ca.pem");
    TlsFiles overridden = layout.overriddenBy(otherCa, null, null);
    assertThat(overridden).isEqualTo(new TlsFiles(otherCa, layout.cert(), layout.key()));
    assertThat(overridden.unreadable()).isEqualTo(otherCa);
    assertThat(layout.overriddenBy(null, null, dir.resolve("no-key.pem")).unreadable()).isEqualTo(dir.resolve("no-key.pem"));
  }

  @Test
  void renewedFiles_areTakenAtTheNextLook_andAHalfWrittenPairKeepsThePreviousOne(@TempDir Path dir) throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir);
    TlsFiles files = pki.ensure(Identity.controlPlane());
    var keys = new io.grpc.util.AdvancedTlsX509KeyManager();
    var trust = io.grpc.util.AdvancedTlsX509TrustManager.newBuilder().build();
    var reloads = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      // A period of an hour: the test takes the looks itself.
      TlsReloader reloader = TlsReloader.start(files, keys, trust, reloads, 3600);
      java.math.BigInteger first = served(keys);
      assertThat(first).isEqualTo(read(files.cert()).getSerialNumber());
      assertThat(reloader.look()).as("nothing changed").isEqualTo(TlsReloader.Look.UNCHANGED);

      byte[] oldKey = Files.readAllBytes(files.key());
      pki.renew(Identity.controlPlane(), Duration.ofHours(1));
      java.math.BigInteger renewed = read(files.cert()).getSerialNumber();
      stampLater(files.key());
      assertThat(reloader.look()).isEqualTo(TlsReloader.Look.TAKEN);
      assertThat(served(keys)).isEqualTo(renewed).isNotEqualTo(first);

      // A key that does not match its certificate (a renewal caught half-way): not taken.
      Files.write(files.key(), oldKey);
      stampLater(files.key());
      assertThat(reloader.look()).isEqualTo(TlsReloader.Look.REFUSED);
      assertThat(reloader.look()).as("tried again at every look").isEqualTo(TlsReloader.Look.REFUSED);
      assertThat(served(keys)).isEqualTo(renewed);
    } finally {
      reloads.shutdownNow();
    }
  }

  /** Moves the file's modification time a second on: a write the reloader sees, even within its clock's resolution. */
  private static void stampLater(Path file) throws java.io.IOException {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));
  }

  private static java.math.BigInteger served(io.grpc.util.AdvancedTlsX509KeyManager keys) {
    String alias = keys.chooseEngineServerAlias("EC", null, null);
    return keys.getCertificateChain(alias)[0].getSerialNumber();
  }
}
