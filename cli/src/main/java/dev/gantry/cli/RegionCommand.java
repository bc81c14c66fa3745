package dev.gantry.cli;

import dev.gantry.proto.admin.v1.ListRegionsRequest;
import dev.gantry.proto.admin.v1.RegionServiceGrpc;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

@Command(name = "region", mixinStandardHelpOptions = true, description = "The region catalog (read-only).",
    subcommands = {RegionCommand.List.class})
final class RegionCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List regions and groups.")
  static final class List extends Admin implements Runnable {
    @Override
    public void run() {
      var list = call(channel -> RegionServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(Admin.DEADLINE_SECONDS, TimeUnit.SECONDS).listRegions(ListRegionsRequest.getDefaultInstance()));
      print(list, l -> {
        Table regions = new Table("REGION", "COUNTRY", "CONTINENT", "GATEWAY", "HTTPS", "INTERNAL");
        l.getRegionsList().forEach(r -> regions.row(
            r.getRegion().getId(), r.getRegion().getCountry(), r.getRegion().getContinent(), r.getGateway().isEmpty() ? "-" : r.getGateway(),
            r.getHttps().isEmpty() ? "-" : r.getHttps(), r.getInternal()));
        Table groups = new Table("GROUP", "REGIONS");
        l.getGroupsList().forEach(g -> groups.row(g.getName(), String.join(",", g.getRegionsList())));
        return regions + System.lineSeparator() + groups;
      });
    }
  }
}
