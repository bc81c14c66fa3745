package dev.gantry.controlplane.edge;

import dev.gantry.controlplane.model.Topology;
import dev.gantry.pki.PkiDirectory;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's catalog certificate: issued by the local CA ({@code ./gantry pki init}) for
 * every name the catalog needs ({@link EdgeNames}), into the edge certificate directory, and
 * issued again when the catalog names others or two thirds of its life have passed. Production
 * brings its certificates from its own CA or ACME agent instead, into the same directory.
 */
public final class LocalEdgeIssuer {

  private static final Logger log = LoggerFactory.getLogger(LocalEdgeIssuer.class);

  /** The subdirectory of the edge directory it writes. */
  public static final String NAME = "local";

  private final PkiDirectory ca;
  private final Path dir;
  private final Topology topology;

  public LocalEdgeIssuer(PkiDirectory ca, Path edgeDir, Topology topology) {
    this.ca = ca;
    this.dir = edgeDir.resolve(NAME);
    this.topology = topology;
  }

  /** Issues the certificate if it is missing, names other hosts or is due for renewal. */
  public void ensure() throws IOException {
    if (ca.ensureServing(dir, EdgeNames.required(topology))) {
      log.info("issued the local edge certificate {} for {}", dir, EdgeNames.required(topology));
    }
  }
}
