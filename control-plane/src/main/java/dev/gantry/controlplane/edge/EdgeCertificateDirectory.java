package dev.gantry.controlplane.edge;

import dev.gantry.pki.ServingCertificate;
import dev.gantry.pki.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's certificates from a directory an operator (or a certificate agent such as
 * cert-manager, or {@link LocalEdgeIssuer}) keeps: one subdirectory per certificate, holding
 * {@code cert.pem} (the chain, leaf first) and {@code key.pem}, the subdirectory's name being the
 * certificate's. Looked at every few seconds (the files' content, hashed); a changed pair is read and checked, and a pair
 * that fails (half-written, expired, the key of another certificate) never replaces the one
 * served: that one stays until a good pair arrives. Not thread-safe: {@link #scan} runs on one
 * thread at a time (a single scheduled task).
 */
public final class EdgeCertificateDirectory {

  private static final Logger log = LoggerFactory.getLogger(EdgeCertificateDirectory.class);

  private final Path dir;
  private final Clock clock;
  private final Consumer<EdgeCertificates> changes;
  private final Map<String, String> stamps = new HashMap<>();
  private final Map<String, ServingCertificate> served = new HashMap<>();
  private boolean published;

  /** Reports every change of the certificates in {@code dir} to {@code changes}. */
  public EdgeCertificateDirectory(Path dir, Clock clock, Consumer<EdgeCertificates> changes) {
    this.dir = dir;
    this.clock = clock;
    this.changes = changes;
  }

  public Path dir() {
    return dir;
  }

  /** Looks once; reports to the consumer when something changed (and the first time, always). */
  public void scan() {
    Map<String, Path> present = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        entries.filter(p -> Files.isRegularFile(p.resolve(TlsFiles.CERT)))
            .forEach(p -> present.put(p.getFileName().toString(), p));
      } catch (IOException e) {
        log.warn("cannot list the edge certificates in {}; keeping those served: {}", dir, e.toString());
        return;
      }
    }
    boolean changed = served.keySet().removeIf(name -> {
      if (present.containsKey(name)) {
        return false;
      }
      stamps.remove(name);
      log.info("edge certificate '{}' removed from {}", name, dir);
      return true;
    });
    for (Map.Entry<String, Path> entry : present.entrySet()) {
      changed |= load(entry.getKey(), entry.getValue());
    }
    if (changed || !published) {
      published = true;
      changes.accept(EdgeCertificates.of(served));
    }
  }

  private boolean load(String name, Path pair) {
    String stamp;
    try {
      stamp = stamp(pair.resolve(TlsFiles.CERT)) + stamp(pair.resolve(TlsFiles.KEY));
    } catch (IOException e) {
      stamp = "unreadable";
    }
    if (stamp.equals(stamps.get(name))) {
      return false;
    }
    stamps.put(name, stamp);
    try {
      ServingCertificate certificate = ServingCertificate.read(pair, clock.instant());
      if (certificate.equals(served.get(name))) {
        return false;
      }
      served.put(name, certificate);
      log.info("edge certificate '{}' loaded: {} valid until {}", name, certificate.dnsNames(), certificate.notAfter());
      return true;
    } catch (IOException | ServingCertificate.Refused e) {
      String reason = e instanceof ServingCertificate.Refused refused ? refused.reason() + ": " : "";
      log.warn("edge certificate '{}' in {} is not usable ({}{}); {}", name, pair, reason, e.getMessage(),
          served.containsKey(name) ? "still serving the previous one" : "not served");
      return false;
    }
  }

  /**
   * What a file holds, as a hash: its content, not its time stamp, so that a replacement within
   * the same millisecond (a key, then its certificate) is never missed. The files are small.
   */
  private static String stamp(Path file) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))) + ";";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
