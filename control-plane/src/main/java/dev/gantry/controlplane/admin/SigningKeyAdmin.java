package dev.gantry.controlplane.admin;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.gantry.controlplane.deploy.WorkspaceRules;
import dev.gantry.controlplane.fleet.FleetCodec;
import dev.gantry.pki.Base64Spelling;
import dev.gantry.routing.Product;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.controlplane.store.FleetStore;
import dev.gantry.proto.admin.v1.DeleteSigningKeyRequest;
import dev.gantry.proto.admin.v1.ListSigningKeysRequest;
import dev.gantry.proto.admin.v1.ListSigningKeysResponse;
import dev.gantry.proto.admin.v1.RegisterSigningKeyRequest;
import dev.gantry.proto.admin.v1.SigningKeyInfo;
import dev.gantry.proto.admin.v1.SigningKeyServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.text.ParseException;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/** The admin API's signing keys: public keys whose RFC 9421 signatures act for a workspace. */
public final class SigningKeyAdmin extends SigningKeyServiceGrpc.SigningKeyServiceImplBase {

  private final FleetStore store;
  private final WorkspaceRules rules;

  public SigningKeyAdmin(FleetStore store, WorkspaceRules rules) {
    this.store = store;
    this.rules = rules;
  }

  @Override
  public void registerSigningKey(RegisterSigningKeyRequest request, StreamObserver<SigningKeyInfo> responses) {
    AdminStatus.answer(responses, () -> {
      JWK jwk;
      try {
        jwk = JWK.parse(request.getKey().getJwk());
      } catch (ParseException e) {
        throw AdminStatus.invalid("jwk: not a JSON Web Key (" + e.getMessage() + ")");
      }
      if (jwk.isPrivate()) {
        throw AdminStatus.invalid("jwk holds a private key (expected: the public key only; keep the private one)");
      }
      String alg;
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        alg = "ed25519";
      } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        alg = "ecdsa-p256-sha256";
      } else {
        throw AdminStatus.invalid("jwk of type " + jwk.getKeyType() + " (expected: OKP Ed25519 or EC P-256)");
      }
      String spelling = Base64Spelling.jwkProblem(jwk.toJSONObject());
      if (spelling != null) {
        throw AdminStatus.invalid("jwk: " + spelling);
      }
      dev.gantry.proto.fleet.v1.SigningKey asked = request.getKey();
      Set<String> scopes = asked.getScopesCount() == 0 ? Product.SCOPES : new TreeSet<>(asked.getScopesList());
      SigningKey key = new SigningKey(asked.getKeyId(), jwk.toPublicJWK().toJSONString(), alg, scopes);
      FleetState stored = store.update(state -> rules.addSigningKey(state, asked.getWorkspace(), key));
      return info(asked.getWorkspace(), key, stored.version());
    });
  }

  @Override
  public void listSigningKeys(ListSigningKeysRequest request, StreamObserver<ListSigningKeysResponse> responses) {
    AdminStatus.answer(responses, () -> {
      store.refresh();
      FleetState state = store.current();
      ListSigningKeysResponse.Builder list = ListSigningKeysResponse.newBuilder();
      state.workspaces().values().stream()
          .filter(w -> request.getWorkspace().isEmpty() || w.id().equals(request.getWorkspace()))
          .sorted(Comparator.comparing(Workspace::id))
          .forEach(w -> w.signingKeys().forEach(k -> list.addKeys(info(w.id(), k, state.version()))));
      return list.build();
    });
  }

  @Override
  public void deleteSigningKey(DeleteSigningKeyRequest request, StreamObserver<SigningKeyInfo> responses) {
    AdminStatus.answer(responses, () -> {
      FleetState before = store.current();
      FleetState stored = store.update(state -> rules.removeSigningKey(state, request.getKeyId()));
      for (Workspace w : before.workspaces().values()) {
        for (SigningKey k : w.signingKeys()) {
          if (k.keyId().equals(request.getKeyId())) {
            return info(w.id(), k, stored.version());
          }
        }
      }
      return SigningKeyInfo.newBuilder()
          .setKey(dev.gantry.proto.fleet.v1.SigningKey.newBuilder().setKeyId(request.getKeyId()))
          .setVersion(stored.version())
          .build();
    });
  }

  private static SigningKeyInfo info(String workspace, SigningKey key, long version) {
    return SigningKeyInfo.newBuilder().setKey(FleetCodec.signingKey(workspace, key)).setVersion(version).build();
  }
}
