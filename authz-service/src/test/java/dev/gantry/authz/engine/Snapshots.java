package dev.gantry.authz.engine;

import dev.gantry.authz.model.WorkloadEntry;
import dev.gantry.authz.model.AuthzSnapshot;
import dev.gantry.authz.credential.TestIssuer;
import dev.gantry.routing.Region;
import dev.gantry.routing.RegionCatalog;
import dev.gantry.routing.WorkloadId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Snapshots for tests: the local stack's catalog and a few workloads. */
public final class Snapshots {

  public static final RegionCatalog LOCAL_CATALOG =
      new RegionCatalog(
          List.of(
              new Region("eu-lon-1", "GB", "EU", 51.51, -0.13),
              new Region("eu-par-1", "FR", "EU", 48.86, 2.35),
              new Region("us-pdx-1", "US", "NA", 45.52, -122.68)),
          Map.of("eu", Set.of("eu-lon-1", "eu-par-1"), "us", Set.of("us-pdx-1")));

  private Snapshots() {}

  /**
   * agt-echo-demo (public, eu-lon-1), agt-private-demo (private, eu-lon-1), agt-far-demo (public,
   * us-pdx-1), mcp-tools-demo (public, eu-par-1), agt-multi-demo (public, all three),
   * agt-multipriv-demo (private, all three), mcp-eu-demo (public, all three, allowed in EU only).
   */
  public static AuthzSnapshot demo() {
    return AuthzSnapshot.of(
        7,
        LOCAL_CATALOG,
        Set.of("run.localhost"),
        Map.of(
            WorkloadId.parse("agt-echo-demo"), entry("agt-echo-demo", true, "eu-lon-1"),
            WorkloadId.parse("agt-private-demo"), entry("agt-private-demo", false, "eu-lon-1"),
            WorkloadId.parse("agt-far-demo"), entry("agt-far-demo", true, "us-pdx-1"),
            WorkloadId.parse("mcp-tools-demo"), entry("mcp-tools-demo", true, "eu-par-1"),
            WorkloadId.parse("agt-multi-demo"), entry("agt-multi-demo", true, "eu-lon-1", "eu-par-1", "us-pdx-1"),
            WorkloadId.parse("agt-multipriv-demo"),
            entry("agt-multipriv-demo", false, "eu-lon-1", "eu-par-1", "us-pdx-1"),
            // Deployed everywhere, but a later policy allows only Europe.
            WorkloadId.parse("mcp-eu-demo"), new WorkloadEntry(WorkloadId.parse("mcp-eu-demo"), true,
                Set.of("eu-lon-1", "eu-par-1", "us-pdx-1"), Set.of("eu-lon-1", "eu-par-1"), "continents [EU]")),
        TestIssuer.workspaces());
  }

  public static WorkloadEntry entry(String id, boolean isPublic, String... regions) {
    return new WorkloadEntry(WorkloadId.parse(id), isPublic, Set.of(regions));
  }
}
