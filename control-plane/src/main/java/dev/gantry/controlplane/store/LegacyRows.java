package dev.gantry.controlplane.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.controlplane.model.ApiKey;
import dev.gantry.controlplane.model.FleetState;
import dev.gantry.controlplane.model.JwtIssuer;
import dev.gantry.controlplane.model.Protocol;
import dev.gantry.controlplane.model.Replica;
import dev.gantry.controlplane.model.Routing;
import dev.gantry.controlplane.model.SigningKey;
import dev.gantry.controlplane.model.Workload;
import dev.gantry.controlplane.model.Workspace;
import dev.gantry.routing.HostPort;
import dev.gantry.routing.LocationPolicy;
import dev.gantry.routing.WorkloadId;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the state as the releases before the fleet schema kept it: a table per kind, lists and
 * policies as JSON text. Only {@link V6__Fleet_entities} reads it, to move a store of such a
 * release into entity rows; nothing writes it any more.
 */
final class LegacyRows {

  private LegacyRows() {}

  static FleetState load(Connection connection) throws SQLException {
    long version = EntityRows.version(connection);
    Map<String, Workspace> workspaces = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT id, jwt_issuers, policy, api_keys, signing_keys FROM workspaces");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        workspaces.put(rows.getString(1), new Workspace(rows.getString(1), issuers(rows.getString(2)), policy(rows.getString(3)),
            apiKeys(rows.getString(4)), signingKeys(rows.getString(5))));
      }
    }
    Map<WorkloadId, Workload> workloads = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
            "SELECT id, public, regions, protocol, max_stream_seconds, policy, forward_credential FROM workloads");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        WorkloadId id = WorkloadId.parse(rows.getString(1));
        workloads.put(id, new Workload(id, rows.getBoolean(2), new TreeSet<>(strings(rows.getString(3))),
            Protocol.valueOf(rows.getString(4)), Duration.ofSeconds(rows.getLong(5)), policy(rows.getString(6)),
            rows.getBoolean(7)));
      }
    }
    List<Replica> replicas = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT workload, region, address FROM replicas");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        replicas.add(new Replica(WorkloadId.parse(rows.getString(1)), rows.getString(2), HostPort.parse(rows.getString(3))));
      }
    }
    Map<WorkloadId, WorkloadId> aliases = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT alias, workload FROM aliases");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        aliases.put(WorkloadId.parse(rows.getString(1)), WorkloadId.parse(rows.getString(2)));
      }
    }
    Map<String, Routing.CustomDomain> domains = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT domain, workload, location FROM custom_domains");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        domains.put(rows.getString(1), new Routing.CustomDomain(rows.getString(1), WorkloadId.parse(rows.getString(2)), rows.getString(3)));
      }
    }
    return new FleetState(version, workspaces, workloads, replicas, new Routing(aliases, domains));
  }


  static LocationPolicy policy(String json) {
    JsonObject object = JsonParser.parseString(json).getAsJsonObject();
    return new LocationPolicy(
        Set.copyOf(strings(object.get("countries"))), Set.copyOf(strings(object.get("continents"))),
        Set.copyOf(strings(object.get("regions"))));
  }


  private static List<SigningKey> signingKeys(String json) {
    List<SigningKey> keys = new ArrayList<>();
    for (JsonElement element : JsonParser.parseString(json).getAsJsonArray()) {
      JsonObject o = element.getAsJsonObject();
      keys.add(new SigningKey(o.get("key_id").getAsString(), o.get("jwk").getAsString(), o.get("alg").getAsString(),
          Set.copyOf(strings(o.get("scopes")))));
    }
    return keys;
  }


  private static List<ApiKey> apiKeys(String json) {
    List<ApiKey> keys = new ArrayList<>();
    for (JsonElement element : JsonParser.parseString(json).getAsJsonArray()) {
      JsonObject o = element.getAsJsonObject();
      keys.add(new ApiKey(o.get("id").getAsString(), o.get("secret_sha256").getAsString(), Set.copyOf(strings(o.get("scopes"))),
          o.get("name").getAsString(), java.time.Instant.ofEpochSecond(o.get("created_at").getAsLong()),
          o.has("expires_at") ? java.time.Instant.ofEpochSecond(o.get("expires_at").getAsLong()) : null,
          o.get("revoked").getAsBoolean()));
    }
    return keys;
  }


  private static List<JwtIssuer> issuers(String json) {
    List<JwtIssuer> issuers = new ArrayList<>();
    for (JsonElement element : JsonParser.parseString(json).getAsJsonArray()) {
      JsonObject object = element.getAsJsonObject();
      issuers.add(new JwtIssuer(object.get("issuer").getAsString(), URI.create(object.get("jwks_uri").getAsString()),
          strings(object.get("audiences"))));
    }
    return issuers;
  }

  private static List<String> strings(String json) {
    return strings(JsonParser.parseString(json));
  }

  private static List<String> strings(JsonElement array) {
    List<String> values = new ArrayList<>();
    array.getAsJsonArray().forEach(e -> values.add(e.getAsString()));
    return values;
  }
}
