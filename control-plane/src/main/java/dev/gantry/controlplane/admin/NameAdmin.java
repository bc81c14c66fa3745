package dev.gantry.controlplane.admin;

import dev.gantry.controlplane.deploy.NameRules;
import dev.gantry.controlplane.deploy.Refusal;
import dev.gantry.pki.ServingCertificate;
import dev.gantry.proto.admin.v1.SetDomainCertificateRequest;
import java.time.Clock;
import java.time.Instant;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.Topology;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.BindDomainRequest;
import dev.gantry.proto.admin.v1.CreateAliasRequest;
import dev.gantry.proto.admin.v1.DeleteAliasRequest;
import dev.gantry.proto.admin.v1.ListNamesRequest;
import dev.gantry.proto.admin.v1.NameServiceGrpc;
import dev.gantry.proto.admin.v1.Names;
import dev.gantry.proto.admin.v1.UnbindDomainRequest;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.Map;

/** The admin API's aliases and custom domains. */
public final class NameAdmin extends NameServiceGrpc.NameServiceImplBase {

  private final Topology topology;
  private final FleetStore store;
  private final NameRules rules;
  private final Clock clock;

  public NameAdmin(Topology topology, FleetStore store, NameRules rules, Clock clock) {
    this.topology = topology;
    this.store = store;
    this.rules = rules;
    this.clock = clock;
  }

  @Override
  public void createAlias(CreateAliasRequest request, StreamObserver<Names> responses) {
    AdminStatus.answer(responses, () -> names(store.update(state -> rules.addAlias(state,
        AdminMessages.workloadId(request.getAlias().getAlias()), AdminMessages.workloadId(request.getAlias().getWorkload())))));
  }

  @Override
  public void deleteAlias(DeleteAliasRequest request, StreamObserver<Names> responses) {
    AdminStatus.answer(responses, () -> names(store.update(state ->
        rules.removeAlias(state, AdminMessages.workloadId(request.getAlias())))));
  }

  @Override
  public void bindDomain(BindDomainRequest request, StreamObserver<Names> responses) {
    dev.gantry.proto.fleet.v1.CustomDomain domain = request.getDomain();
    AdminStatus.answer(responses, () -> {
      ServingCertificate certificate = certificate(request.getCertificateChainPem(), request.getPrivateKeyPem());
      Instant now = clock.instant();
      return names(store.update(state -> rules.bindDomain(state,
          domain.getDomain(), AdminMessages.workloadId(domain.getWorkload()), domain.getLocation(), certificate, now)));
    });
  }

  @Override
  public void setDomainCertificate(SetDomainCertificateRequest request, StreamObserver<Names> responses) {
    AdminStatus.answer(responses, () -> {
      ServingCertificate certificate = certificate(request.getCertificateChainPem(), request.getPrivateKeyPem());
      if (certificate == null) {
        throw new Refusal(Refusal.Kind.INVALID, "no certificate (expected: its chain and key, --cert FILE --key FILE)");
      }
      Instant now = clock.instant();
      return names(store.update(state -> rules.setDomainCertificate(state, request.getDomain(), certificate, now)));
    });
  }

  /** The certificate of a request, read and checked; null when it sent neither chain nor key. */
  private static ServingCertificate certificate(String chainPem, String keyPem) {
    if (chainPem.isEmpty() && keyPem.isEmpty()) {
      return null;
    }
    try {
      return ServingCertificate.read(chainPem, keyPem);
    } catch (ServingCertificate.Refused e) {
      throw new Refusal(Refusal.Kind.INVALID, e.reason() + ": " + e.getMessage());
    }
  }

  @Override
  public void unbindDomain(UnbindDomainRequest request, StreamObserver<Names> responses) {
    AdminStatus.answer(responses, () -> names(store.update(state -> rules.unbindDomain(state, request.getDomain()))));
  }

  @Override
  public void listNames(ListNamesRequest request, StreamObserver<Names> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      return names(store.current());
    });
  }

  private Names names(FleetState state) {
    Names.Builder names = Names.newBuilder().addAllLegacyHosts(topology.legacyHosts()).setVersion(state.version());
    state.routing().aliases().entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(Object::toString)))
        .forEach(e -> names.addAliases(FleetCodec.alias(e.getKey(), e.getValue())));
    state.routing().customDomains().values().stream().sorted(Comparator.comparing(Routing.CustomDomain::domain))
        .forEach(d -> names.addDomains(FleetCodec.domain(d)));
    names.addAllCertificates(FleetCodec.domainCertificates(state.routing(), clock.instant()));
    return names.build();
  }
}
