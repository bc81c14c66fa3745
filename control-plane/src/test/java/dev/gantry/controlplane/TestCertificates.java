package dev.gantry.controlplane;

import dev.gantry.pki.LocalCa;
import dev.gantry.pki.ServingCertificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Serving certificates from one test CA, one per name list, made once per JVM. */
public final class TestCertificates {

  private static final LocalCa CA = LocalCa.create("control-plane tests", Duration.ofDays(30));
  private static final Map<List<String>, ServingCertificate> ISSUED = new ConcurrentHashMap<>();

  private TestCertificates() {}

  /** A certificate valid for a day naming {@code names}. */
  public static ServingCertificate forNames(String... names) {
    return ISSUED.computeIfAbsent(List.of(names), n -> CA.issueServing(n, Duration.ofDays(1)));
  }
}
