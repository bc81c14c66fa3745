package dev.gantry.authz.grpc;

import dev.gantry.authz.engine.Decision;
import dev.gantry.routing.GatewayHeaders;
import dev.gantry.routing.Product;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Check path records, through the OpenTelemetry API (a no-op unless the SDK is wired):
 *
 * <ul>
 *   <li>{@code gantry.authz.decisions}: decisions by {@code outcome} (allow, forward, deny),
 *       {@code reason} (the deny's stable reason; {@code ok} for the others), {@code product}
 *       (agt, mcp, sbx, or none when the host names none) and {@code credential_kind} (jwt,
 *       api_key, signature, none, or other for anything else a peer gateway sent);
 *   <li>{@code gantry.authz.decision.duration}: seconds from the Check's arrival to its answer,
 *       by {@code outcome} (a wait for a rotated key's refresh included);
 *   <li>{@code gantry.authz.checks.in_flight}: Checks received and not yet answered;
 *   <li>{@code gantry.authz.check.errors}: Checks answered with an error (Envoy fails closed),
 *       by {@code reason}: {@code no-snapshot}, {@code internal}.
 * </ul>
 *
 * Every label's values come from fixed sets (reasons are the engine's stable codes), never from
 * a request: a workspace, workload or credential id is not a label, so a tenant cannot grow the
 * series count. The attribute sets are made once per combination and reused: recording one
 * allocates nothing.
 */
final class CheckMetrics {

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  private static final AttributeKey<String> PRODUCT = AttributeKey.stringKey("product");
  private static final AttributeKey<String> CREDENTIAL_KIND = AttributeKey.stringKey("credential_kind");
  /** Decision times are microseconds to a second (a key refresh's wait). */
  private static final List<Double> SECONDS_BUCKETS = List.of(1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4,
      5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 0.1, 0.5, 1.0);

  /** The credential kinds a label may name, by index; any other is {@code other} (the last). */
  private static final List<String> KINDS = List.of("jwt", "api_key", "signature", "preview_token", "none", "other");
  private static final String[] OUTCOMES = {"allow", "forward", "deny", "answer"};
  /** The products a label may name, by index: none first, then each product's label. */
  private static final String[] PRODUCTS = java.util.stream.Stream.concat(java.util.stream.Stream.of("none"),
      java.util.Arrays.stream(Product.values()).map(Product::label)).toArray(String[]::new);

  private static final Attributes NO_SNAPSHOT = Attributes.of(REASON, "no-snapshot");
  private static final Attributes INTERNAL = Attributes.of(REASON, "internal");

  private final LongCounter decisions;
  private final DoubleHistogram duration;
  private final LongUpDownCounter inFlight;
  private final LongCounter errors;
  /** By reason: the attribute sets of its decisions, indexed by {@link #index}. */
  private final ConcurrentHashMap<String, Attributes[]> decisionAttributes = new ConcurrentHashMap<>();
  private final Attributes[] outcomeAttributes = {
      Attributes.of(OUTCOME, OUTCOMES[0]), Attributes.of(OUTCOME, OUTCOMES[1]), Attributes.of(OUTCOME, OUTCOMES[2]),
      Attributes.of(OUTCOME, OUTCOMES[3])};

  CheckMetrics(Meter meter) {
    decisions = meter.counterBuilder("gantry.authz.decisions")
        .setDescription("Decisions, by outcome, reason, product and credential kind").setUnit("{decision}").build();
    duration = meter.histogramBuilder("gantry.authz.decision.duration")
        .setDescription("Time from a Check's arrival to its answer").setUnit("s")
        .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS).build();
    inFlight = meter.upDownCounterBuilder("gantry.authz.checks.in_flight")
        .setDescription("Checks received and not yet answered").setUnit("{check}").build();
    errors = meter.counterBuilder("gantry.authz.check.errors")
        .setDescription("Checks answered with an error (Envoy fails closed), by reason").setUnit("{check}").build();
    // Every series an alert watches exists from the start, so that its first increase counts.
    errors.add(0, NO_SNAPSHOT);
    errors.add(0, INTERNAL);
  }

  /** A Check arrived; what {@link #decided} or {@link #failed} takes back. */
  long received() {
    inFlight.add(1);
    return System.nanoTime();
  }

  /** The Check received at {@code start} was answered with {@code decision}, for a request to {@code host} (its authority). */
  void decided(long start, Decision decision, String host) {
    int outcome;
    String reason;
    int kind;
    if (decision instanceof Decision.Deny deny) {
      outcome = 2;
      reason = deny.reason();
      kind = KINDS.indexOf("none");
    } else if (decision instanceof Decision.Answer answer) {
      outcome = 3;
      reason = answer.reason();
      kind = KINDS.indexOf("none");
    } else {
      Decision.Allow allow = (Decision.Allow) decision;
      outcome = allow.forwarded() ? 1 : 0;
      reason = "ok";
      // A peer gateway sends the kind it admitted with: bounded here like every label value.
      int sent = KINDS.indexOf(allow.headersToSet().getOrDefault(GatewayHeaders.CREDENTIAL_KIND, "none"));
      kind = sent < 0 ? KINDS.size() - 1 : sent;
    }
    int product = product(host);
    Attributes[] byReason = decisionAttributes.computeIfAbsent(reason,
        r -> new Attributes[OUTCOMES.length * PRODUCTS.length * KINDS.size()]);
    int index = index(outcome, product, kind);
    Attributes attributes = byReason[index];
    if (attributes == null) {
      attributes = Attributes.of(OUTCOME, OUTCOMES[outcome], REASON, reason, PRODUCT, PRODUCTS[product],
          CREDENTIAL_KIND, KINDS.get(kind));
      byReason[index] = attributes; // a race makes an equal set twice: harmless
    }
    decisions.add(1, attributes);
    duration.record((System.nanoTime() - start) / 1e9, outcomeAttributes[outcome]);
    inFlight.add(-1);
  }

  private static int index(int outcome, int product, int kind) {
    return (outcome * PRODUCTS.length + product) * KINDS.size() + kind;
  }

  /** The Check received at {@code start} failed: {@code reason} is no-snapshot or internal. */
  void failed(long start, String reason) {
    errors.add(1, reason.equals("no-snapshot") ? NO_SNAPSHOT : INTERNAL);
    inFlight.add(-1);
  }


  /** The index in {@link #PRODUCTS} of the product a host's first label names ({@code agt-…}): 0 for none. */
  private static int product(String host) {
    int dash = host == null ? -1 : host.indexOf('-');
    if (dash < 1 || dash > 3) {
      return 0;
    }
    for (int i = 1; i < PRODUCTS.length; i++) {
      if (dash == PRODUCTS[i].length() && host.startsWith(PRODUCTS[i])) {
        return i;
      }
    }
    return 0;
  }
}
