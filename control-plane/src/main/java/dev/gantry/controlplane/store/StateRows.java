package dev.gantry.controlplane.store;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@link FleetState} from its tables and writes the difference between two states, on a
 * connection whose transaction the caller owns.
 */
final class StateRows {

  private static final Gson GSON = new Gson();

  private StateRows() {}

  /** The version row, locked until the transaction ends: writers take turns here. */
  static long lockVersion(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT version FROM fleet_version WHERE id = 1 FOR UPDATE");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static long version(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT version FROM fleet_version WHERE id = 1");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static FleetState load(Connection connection) throws SQLException {
    long version = version(connection);
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

  /** Writes what changed from {@code before} to {@code after}, and {@code after}'s version. */
  static void write(Connection connection, FleetState before, FleetState after) throws SQLException {
    for (Workspace w : before.workspaces().values()) {
      if (!w.equals(after.workspaces().get(w.id()))) {
        delete(connection, "DELETE FROM workspaces WHERE id = ?", w.id());
      }
    }
    for (Workspace w : after.workspaces().values()) {
      if (!w.equals(before.workspaces().get(w.id()))) {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO workspaces (id, jwt_issuers, policy, api_keys, signing_keys) VALUES (?, ?, ?, ?, ?)")) {
          insert.setString(1, w.id());
          insert.setString(2, issuersJson(w.jwtIssuers()));
          insert.setString(3, policyJson(w.policy()));
          insert.setString(4, apiKeysJson(w.apiKeys()));
          insert.setString(5, signingKeysJson(w.signingKeys()));
          insert.executeUpdate();
        }
      }
    }
    for (Workload w : before.workloads().values()) {
      if (!w.equals(after.workloads().get(w.id()))) {
        delete(connection, "DELETE FROM workloads WHERE id = ?", w.id().toString());
      }
    }
    for (Workload w : after.workloads().values()) {
      if (!w.equals(before.workloads().get(w.id()))) {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO workloads (id, public, regions, protocol, max_stream_seconds, policy, forward_credential)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          insert.setString(1, w.id().toString());
          insert.setBoolean(2, w.isPublic());
          insert.setString(3, GSON.toJson(List.copyOf(w.regions())));
          insert.setString(4, w.protocol().name());
          insert.setLong(5, w.maxStreamDuration().toSeconds());
          insert.setString(6, policyJson(w.policy()));
          insert.setBoolean(7, w.forwardCredential());
          insert.executeUpdate();
        }
      }
    }
    Set<Replica> beforeReplicas = new HashSet<>(before.replicas());
    Set<Replica> afterReplicas = new HashSet<>(after.replicas());
    for (Replica r : beforeReplicas) {
      if (!afterReplicas.contains(r)) {
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM replicas WHERE workload = ? AND region = ? AND address = ?")) {
          delete.setString(1, r.workload().toString());
          delete.setString(2, r.region());
          delete.setString(3, r.address().toString());
          delete.executeUpdate();
        }
      }
    }
    for (Replica r : afterReplicas) {
      if (!beforeReplicas.contains(r)) {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO replicas (workload, region, address) VALUES (?, ?, ?)")) {
          insert.setString(1, r.workload().toString());
          insert.setString(2, r.region());
          insert.setString(3, r.address().toString());
          insert.executeUpdate();
        }
      }
    }
    if (!before.routing().equals(after.routing())) {
      writeRouting(connection, before.routing(), after.routing());
    }
    try (PreparedStatement update = connection.prepareStatement("UPDATE fleet_version SET version = ? WHERE id = 1")) {
      update.setLong(1, after.version());
      update.executeUpdate();
    }
  }

  private static void writeRouting(Connection connection, Routing before, Routing after) throws SQLException {
    for (Map.Entry<WorkloadId, WorkloadId> alias : before.aliases().entrySet()) {
      if (!alias.getValue().equals(after.aliases().get(alias.getKey()))) {
        delete(connection, "DELETE FROM aliases WHERE alias = ?", alias.getKey().toString());
      }
    }
    for (Map.Entry<WorkloadId, WorkloadId> alias : after.aliases().entrySet()) {
      if (!alias.getValue().equals(before.aliases().get(alias.getKey()))) {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO aliases (alias, workload) VALUES (?, ?)")) {
          insert.setString(1, alias.getKey().toString());
          insert.setString(2, alias.getValue().toString());
          insert.executeUpdate();
        }
      }
    }
    for (Routing.CustomDomain domain : before.customDomains().values()) {
      if (!domain.equals(after.customDomains().get(domain.domain()))) {
        delete(connection, "DELETE FROM custom_domains WHERE domain = ?", domain.domain());
      }
    }
    for (Routing.CustomDomain domain : after.customDomains().values()) {
      if (!domain.equals(before.customDomains().get(domain.domain()))) {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO custom_domains (domain, workload, location) VALUES (?, ?, ?)")) {
          insert.setString(1, domain.domain());
          insert.setString(2, domain.workload().toString());
          insert.setString(3, domain.location());
          insert.executeUpdate();
        }
      }
    }
  }

  private static void delete(Connection connection, String sql, String id) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, id);
      delete.executeUpdate();
    }
  }

  static String policyJson(LocationPolicy policy) {
    JsonObject json = new JsonObject();
    json.add("countries", GSON.toJsonTree(new TreeSet<>(policy.countries())));
    json.add("continents", GSON.toJsonTree(new TreeSet<>(policy.continents())));
    json.add("regions", GSON.toJsonTree(new TreeSet<>(policy.regions())));
    return json.toString();
  }

  static LocationPolicy policy(String json) {
    JsonObject object = JsonParser.parseString(json).getAsJsonObject();
    return new LocationPolicy(
        Set.copyOf(strings(object.get("countries"))), Set.copyOf(strings(object.get("continents"))),
        Set.copyOf(strings(object.get("regions"))));
  }

  private static String signingKeysJson(List<SigningKey> keys) {
    JsonArray array = new JsonArray();
    for (SigningKey key : keys) {
      JsonObject json = new JsonObject();
      json.addProperty("key_id", key.keyId());
      json.addProperty("jwk", key.jwk());
      json.addProperty("alg", key.alg());
      json.add("scopes", GSON.toJsonTree(new TreeSet<>(key.scopes())));
      array.add(json);
    }
    return array.toString();
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

  private static String apiKeysJson(List<ApiKey> keys) {
    JsonArray array = new JsonArray();
    for (ApiKey key : keys) {
      JsonObject json = new JsonObject();
      json.addProperty("id", key.id());
      json.addProperty("secret_sha256", key.secretSha256());
      json.add("scopes", GSON.toJsonTree(new TreeSet<>(key.scopes())));
      json.addProperty("name", key.name());
      json.addProperty("created_at", key.createdAt().getEpochSecond());
      if (key.expiresAt() != null) {
        json.addProperty("expires_at", key.expiresAt().getEpochSecond());
      }
      json.addProperty("revoked", key.revoked());
      array.add(json);
    }
    return array.toString();
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

  private static String issuersJson(List<JwtIssuer> issuers) {
    JsonArray array = new JsonArray();
    for (JwtIssuer issuer : issuers) {
      JsonObject json = new JsonObject();
      json.addProperty("issuer", issuer.issuer());
      json.addProperty("jwks_uri", issuer.jwksUri().toString());
      json.add("audiences", GSON.toJsonTree(issuer.audiences()));
      array.add(json);
    }
    return array.toString();
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
