package dev.gantry.authz.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.gantry.authz.engine.RequestFacts;
import dev.gantry.authz.engine.SigningKeyEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * RFC 9421 HTTP Message Signatures, as Gantry accepts them: one signature ({@code
 * Signature-Input} and {@code Signature}, the first label), covering at least {@code @method},
 * {@code @authority} and {@code @path} and, when the request has a body, {@code content-digest}
 * (RFC 9530, checked against the body); {@code created} required and at most {@value
 * #WINDOW_SECONDS} s old ({@code expires} honoured); {@code keyid} naming a public key
 * registered to a workspace; Ed25519 or ECDSA P-256 with SHA-256. A {@code nonce}, when given, is
 * remembered for the window, so the same signature is refused a second time. Never blocks,
 * makes no call; nothing secret is in a message.
 *
 * <p>Signed header fields must be single-valued: Envoy hands repeated fields over joined with
 * {@code ,}, while RFC 9421 joins them with {@code , }.
 */
public final class MessageSignatures {

  /** How old {@code created} may be: the replay window. */
  public static final long WINDOW_SECONDS = 60;

  /** How far ahead of this clock {@code created} may be. */
  static final Duration FUTURE_SKEW = Duration.ofSeconds(30);

  /** Nonces remembered at most; past it, signatures with a nonce are refused until old ones expire. */
  static final int MAX_NONCES = 1_000_000;

  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final List<String> REQUIRED = List.of("@method", "@authority", "@path");

  private final Clock clock;
  private final Map<String, Long> nonces = new ConcurrentHashMap<>();

  public MessageSignatures(Clock clock) {
    this.clock = clock;
  }

  /** True when the request carries a signature. */
  public static boolean isSigned(Map<String, String> headers) {
    return headers.containsKey("signature-input") || headers.containsKey("signature");
  }

  /** A registered key, parsed once when the snapshot arrives. */
  public static SigningKeyEntry keyEntry(String keyId, String workspace, String jwkJson, Set<String> scopes) {
    JWK jwk;
    try {
      jwk = JWK.parse(jwkJson);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JWK: " + e.getMessage());
    }
    try {
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        return new SigningKeyEntry(keyId, workspace, "ed25519", new Ed25519PublicKeyParameters(okp.getDecodedX(), 0), scopes);
      }
      if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        return new SigningKeyEntry(keyId, workspace, "ecdsa-p256-sha256", ec.toECPublicKey(), scopes);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable key: " + e.getMessage());
    }
    throw new IllegalArgumentException("key type " + jwk.getKeyType() + " (expected: OKP Ed25519 or EC P-256)");
  }

  /** Verifies the request's signature against the registered keys. */
  public Authentication verify(RequestFacts request, Map<String, SigningKeyEntry> keys, byte[] body) {
    Map<String, String> headers = request.headers();
    String input = headers.get("signature-input");
    String signatureHeader = headers.get("signature");
    if (input == null || signatureHeader == null) {
      return refused("malformed-signature", "a signed request needs both Signature-Input and Signature");
    }
    Member member;
    try {
      member = Member.parse(input);
    } catch (IllegalArgumentException e) {
      return refused("malformed-signature", "Signature-Input: " + e.getMessage());
    }
    byte[] signature = signatureOf(signatureHeader, member.label());
    if (signature == null) {
      return refused("malformed-signature", "Signature has no value for label '" + member.label() + "' (expected: "
          + member.label() + "=:<base64>:)");
    }
    for (String required : REQUIRED) {
      if (!member.components().contains(required)) {
        return refused("signature-incomplete", "the signature does not cover " + required
            + " (expected at least: @method, @authority, @path, and content-digest with a body)");
      }
    }
    boolean hasBody = body != null && body.length > 0 || hasDeclaredBody(headers);
    if (hasBody && !member.components().contains("content-digest")) {
      return refused("digest-required", "a request with a body must sign content-digest (RFC 9530)");
    }
    if (member.components().contains("content-digest")) {
      String problem = checkDigest(headers.get("content-digest"), body);
      if (problem != null) {
        return refused("digest-mismatch", problem);
      }
    }
    Object createdParam = member.params().get("created");
    if (!(createdParam instanceof Long created)) {
      return refused("signature-missing-created", "the signature has no created parameter (expected: created=<unix time>)");
    }
    Instant now = clock.instant();
    if (Instant.ofEpochSecond(created).isBefore(now.minusSeconds(WINDOW_SECONDS))) {
      return refused("signature-stale", "the signature was created at " + Instant.ofEpochSecond(created)
          + ", more than " + WINDOW_SECONDS + " s ago (sign each request anew)");
    }
    if (Instant.ofEpochSecond(created).isAfter(now.plus(FUTURE_SKEW))) {
      return refused("signature-from-future", "the signature claims to be created at " + Instant.ofEpochSecond(created));
    }
    Instant expires = member.params().get("expires") instanceof Long e ? Instant.ofEpochSecond(e) : null;
    if (expires != null && !now.isBefore(expires)) {
      return refused("signature-expired", "the signature expired at " + expires);
    }
    if (!(member.params().get("keyid") instanceof String keyId)) {
      return refused("malformed-signature", "the signature has no keyid parameter");
    }
    SigningKeyEntry key = keys.get(keyId);
    if (key == null) {
      return refused("unknown-signing-key", "no signing key '" + keyId + "' is registered");
    }
    if (member.params().get("alg") instanceof String alg && !alg.equals(key.alg())) {
      return refused("signature-alg-mismatch", "alg '" + alg + "' but key '" + keyId + "' is " + key.alg());
    }
    String base;
    try {
      base = signatureBase(request, member);
    } catch (IllegalArgumentException e) {
      return refused("signature-incomplete", e.getMessage());
    }
    if (!verifies(key, base.getBytes(StandardCharsets.UTF_8), signature)) {
      return refused("bad-signature", "the signature does not verify with key '" + keyId + "'");
    }
    if (member.params().get("nonce") instanceof String nonce && !remember(keyId + " " + nonce, created, now)) {
      return refused("signature-replayed", "this signature (nonce) was used before");
    }
    return new Authentication.Authenticated(new Principal(
        key.workspace(), "key:" + keyId, "signature", keyId, key.scopes(), expires));
  }

  private static boolean hasDeclaredBody(Map<String, String> headers) {
    String length = headers.get("content-length");
    return length != null && !length.equals("0") || headers.containsKey("transfer-encoding");
  }

  /** The RFC 9421 signature base of {@code request} for the components of {@code member}. */
  static String signatureBase(RequestFacts request, Member member) {
    StringBuilder base = new StringBuilder(256);
    String path = request.path() == null ? "/" : request.path();
    int query = path.indexOf('?');
    for (String component : member.components()) {
      String value = switch (component) {
        case "@method" -> request.method().toUpperCase(java.util.Locale.ROOT);
        case "@authority" -> request.authority().toLowerCase(java.util.Locale.ROOT);
        case "@path" -> query < 0 ? path : path.substring(0, query);
        case "@query" -> query < 0 ? "?" : path.substring(query);
        default -> {
          if (component.startsWith("@")) {
            throw new IllegalArgumentException("component " + component + " is not supported (use @method, @authority,"
                + " @path, @query and header fields)");
          }
          String header = request.headers().get(component);
          if (header == null) {
            throw new IllegalArgumentException("the signature covers " + component + ", which the request does not carry");
          }
          yield header.strip();
        }
      };
      base.append('"').append(component).append("\": ").append(value).append('\n');
    }
    return base.append("\"@signature-params\": ").append(member.serialized()).toString();
  }

  private static boolean verifies(SigningKeyEntry key, byte[] base, byte[] signature) {
    try {
      if (key.publicKey() instanceof Ed25519PublicKeyParameters ed25519) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, ed25519);
        signer.update(base, 0, base.length);
        return signer.verifySignature(signature);
      }
      if (key.publicKey() instanceof PublicKey ec && signature.length == 64) {
        Signature verifier = Signature.getInstance("SHA256withECDSA", BOUNCY_CASTLE);
        verifier.initVerify(ec);
        verifier.update(base);
        return verifier.verify(ECDSA.transcodeSignatureToDER(signature));
      }
      return false;
    } catch (java.security.GeneralSecurityException | JOSEException e) {
      return false;
    }
  }

  /** Null when {@code header} (RFC 9530) matches {@code body}; else what is wrong. */
  private static String checkDigest(String header, byte[] body) {
    if (header == null) {
      return "the signature covers content-digest, which the request does not carry";
    }
    byte[] content = body == null ? new byte[0] : body;
    for (String entry : header.split(",")) {
      String[] parts = entry.strip().split("=", 2);
      if (parts.length != 2 || !parts[1].startsWith(":") || !parts[1].endsWith(":") || parts[1].length() < 2) {
        continue;
      }
      String algorithm = switch (parts[0].strip()) {
        case "sha-256" -> "SHA-256";
        case "sha-512" -> "SHA-512";
        default -> null;
      };
      if (algorithm == null) {
        continue;
      }
      try {
        byte[] expected = Base64.getDecoder().decode(parts[1].substring(1, parts[1].length() - 1));
        return MessageDigest.isEqual(MessageDigest.getInstance(algorithm).digest(content), expected)
            ? null : "content-digest does not match the body";
      } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
        return "content-digest '" + parts[0].strip() + "' is not base64";
      }
    }
    return "content-digest has no sha-256 or sha-512 value (expected: sha-256=:<base64>:)";
  }

  private static byte[] signatureOf(String header, String label) {
    for (String member : header.split(",")) {
      String trimmed = member.strip();
      if (trimmed.startsWith(label + "=:") && trimmed.endsWith(":") && trimmed.length() > label.length() + 3) {
        try {
          return Base64.getDecoder().decode(trimmed.substring(label.length() + 2, trimmed.length() - 1));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private boolean remember(String nonce, long created, Instant now) {
    long forgetAt = (created + WINDOW_SECONDS + FUTURE_SKEW.toSeconds()) * 1000;
    if (nonces.size() >= MAX_NONCES) {
      long nowMillis = now.toEpochMilli();
      nonces.values().removeIf(until -> until < nowMillis);
      if (nonces.size() >= MAX_NONCES) {
        return false;
      }
    }
    return nonces.putIfAbsent(nonce, forgetAt) == null;
  }

  private static Authentication.Refused refused(String reason, String message) {
    return new Authentication.Refused(reason, message);
  }

  /**
   * The first member of a Signature-Input dictionary: {@code label=("c1" "c2");p=v;...}.
   *
   * @param serialized the member's value exactly as sent: the {@code @signature-params} line
   */
  record Member(String label, List<String> components, Map<String, Object> params, String serialized) {

    static Member parse(String header) {
      String text = header.strip();
      int equals = text.indexOf('=');
      if (equals <= 0 || equals + 1 >= text.length() || text.charAt(equals + 1) != '(') {
        throw new IllegalArgumentException("expected <label>=(\"@method\" ...);created=...;keyid=\"...\"");
      }
      String label = text.substring(0, equals).strip();
      int close = text.indexOf(')', equals);
      if (close < 0) {
        throw new IllegalArgumentException("the component list is not closed");
      }
      List<String> components = new ArrayList<>();
      for (String item : text.substring(equals + 2, close).strip().split(" +")) {
        if (item.isEmpty()) {
          continue;
        }
        if (item.length() < 2 || item.charAt(0) != '"' || item.charAt(item.length() - 1) != '"') {
          throw new IllegalArgumentException("component " + item + " (expected: quoted names without parameters)");
        }
        components.add(item.substring(1, item.length() - 1).toLowerCase(java.util.Locale.ROOT));
      }
      int end = close + 1;
      Map<String, Object> params = new HashMap<>();
      while (end < text.length() && text.charAt(end) == ';') {
        int nameEnd = text.indexOf('=', end);
        if (nameEnd < 0) {
          throw new IllegalArgumentException("parameter without value");
        }
        String name = text.substring(end + 1, nameEnd).strip();
        int valueStart = nameEnd + 1;
        Object value;
        if (valueStart < text.length() && text.charAt(valueStart) == '"') {
          int quote = text.indexOf('"', valueStart + 1);
          if (quote < 0) {
            throw new IllegalArgumentException("parameter " + name + ": unterminated string");
          }
          value = text.substring(valueStart + 1, quote);
          end = quote + 1;
        } else {
          int stop = valueStart;
          while (stop < text.length() && text.charAt(stop) != ';' && text.charAt(stop) != ',') {
            stop++;
          }
          String raw = text.substring(valueStart, stop).strip();
          try {
            value = Long.parseLong(raw);
          } catch (NumberFormatException e) {
            value = raw;
          }
          end = stop;
        }
        params.put(name, value);
      }
      return new Member(label, List.copyOf(components), Map.copyOf(params), text.substring(equals + 1, end));
    }
  }
}
