package dev.gantry.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes of Gantry's own spans: set when a span starts, so that the sampler sees them
 * ({@link RefusalsSampled}). Never a credential: no token, key, signature or header value.
 */
public final class TraceAttributes {

  private TraceAttributes() {}

  /** What the authz-service decided: {@code allow}, {@code forward}, {@code deny}, or {@code error}. */
  public static final AttributeKey<String> DECISION_OUTCOME = AttributeKey.stringKey("gantry.decision.outcome");

  /** The deny's stable reason ({@code token-expired}), or {@code ok}. */
  public static final AttributeKey<String> DECISION_REASON = AttributeKey.stringKey("gantry.decision.reason");

  /** The workload admitted ({@code agt-echo-demo}); absent on a refusal. */
  public static final AttributeKey<String> WORKLOAD = AttributeKey.stringKey("gantry.workload");

  /** The kind of credential the request was admitted with: {@code jwt}, {@code api_key}, {@code signature}, {@code none}. */
  public static final AttributeKey<String> CREDENTIAL_KIND = AttributeKey.stringKey("gantry.credential.kind");

  /** The region of the part that made the span. */
  public static final AttributeKey<String> REGION = AttributeKey.stringKey("gantry.region");
}
