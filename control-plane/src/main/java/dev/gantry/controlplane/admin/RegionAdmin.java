package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.GatewaySite;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.proto.admin.v1.ListRegionsRequest;
import dev.gantry.proto.admin.v1.ListRegionsResponse;
import dev.gantry.proto.admin.v1.RegionInfo;
import dev.gantry.proto.admin.v1.RegionServiceGrpc;
import dev.gantry.routing.Region;
import io.grpc.stub.StreamObserver;

/** The admin API's region catalog, read-only. */
public final class RegionAdmin extends RegionServiceGrpc.RegionServiceImplBase {

  private final Topology topology;

  public RegionAdmin(Topology topology) {
    this.topology = topology;
  }

  @Override
  public void listRegions(ListRegionsRequest request, StreamObserver<ListRegionsResponse> responses) {
    AdminStatus.answer(responses, () -> {
      ListRegionsResponse.Builder list = ListRegionsResponse.newBuilder();
      for (Region region : topology.catalog().regions().values()) {
        GatewaySite site = topology.sites().get(region.id());
        list.addRegions(RegionInfo.newBuilder()
            .setRegion(FleetCodec.region(region))
            .setGateway(site.gateway() == null ? "" : site.gateway().toString())
            .setHttps(site.https() == null ? "" : site.https().toString())
            .setInternal(site.internal().toString()));
      }
      topology.catalog().groups().forEach((name, members) ->
          list.addGroups(dev.gantry.proto.fleet.v1.RegionGroup.newBuilder().setName(name).addAllRegions(members)));
      return list.build();
    });
  }
}
