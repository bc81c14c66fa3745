package dev.gantry.authz.grpc;

import dev.gantry.authz.usage.Usage;
import dev.gantry.routing.Product;
import dev.gantry.routing.WorkloadId;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.EnumMap;
import java.util.Map;

/**
 * What usage metering records, through the OpenTelemetry API:
 *
 * <ul>
 *   <li>{@code gantry.usage.responses}: metered responses observed, by {@code product} and
 *       {@code result}: {@code usage} (a usage object was read), {@code no-usage} (it ended
 *       without one that could be read), {@code unread} (too large, or the buffers' budget
 *       spent, to be read), {@code incomplete} (its observation ended before the response did: a
 *       client gone, a reset);
 *   <li>{@code gantry.usage.unobserved}: metered responses not observed at all, the sidecar
 *       observing its most already: they flowed, their usage is a gap;
 *   <li>{@code gantry.usage.tokens}: model tokens reported, by {@code product} and {@code type}
 *       ({@code input}, {@code output}, {@code cached}: the cached part of the input);
 *   <li>{@code gantry.usage.bytes}: response body bytes of metered responses, by {@code product}.
 * </ul>
 *
 * Labels come from fixed sets; per-workspace usage is the ledger's (and {@code gantry usage}'s),
 * never a label.
 */
public final class UsageMetrics {

  private static final AttributeKey<String> PRODUCT = AttributeKey.stringKey("product");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");

  private record Series(Attributes usage, Attributes noUsage, Attributes incomplete, Attributes input, Attributes output,
      Attributes cached, Attributes product, Attributes unread) {}

  private final LongCounter responses;
  private final LongCounter tokens;
  private final LongCounter bytes;
  private final LongCounter unobserved;
  private final Map<Product, Series> series = new EnumMap<>(Product.class);

  public UsageMetrics(Meter meter) {
    responses = meter.counterBuilder("gantry.usage.responses")
        .setDescription("Metered responses observed, by product and result").setUnit("{response}").build();
    tokens = meter.counterBuilder("gantry.usage.tokens")
        .setDescription("Model tokens metered responses reported, by product and type").setUnit("{token}").build();
    bytes = meter.counterBuilder("gantry.usage.bytes")
        .setDescription("Response body bytes of metered responses, by product").setUnit("By").build();
    for (Product product : Product.values()) {
      Attributes p = Attributes.of(PRODUCT, product.label());
      series.put(product, new Series(
          p.toBuilder().put(RESULT, "usage").build(), p.toBuilder().put(RESULT, "no-usage").build(),
          p.toBuilder().put(RESULT, "incomplete").build(), p.toBuilder().put(TYPE, "input").build(),
          p.toBuilder().put(TYPE, "output").build(), p.toBuilder().put(TYPE, "cached").build(), p,
          p.toBuilder().put(RESULT, "unread").build()));
    }
    unobserved = meter.counterBuilder("gantry.usage.unobserved")
        .setDescription("Metered responses not observed (the sidecar observing its most already)").setUnit("{response}").build();
    unobserved.add(0);
  }

  /** A metered response Envoy asked to observe was refused: it flows, its usage is not counted. */
  void unobserved() {
    unobserved.add(1);
  }

  /** One observed response of {@code workload}. */
  void observed(String workload, Usage usage, long bodyBytes, boolean complete, boolean unread) {
    Series s = series.get(WorkloadId.parse(workload).product());
    responses.add(1, usage != null ? s.usage() : !complete ? s.incomplete() : unread ? s.unread() : s.noUsage());
    if (usage != null) {
      tokens.add(usage.inputTokens(), s.input());
      tokens.add(usage.outputTokens(), s.output());
      tokens.add(usage.cachedTokens(), s.cached());
    }
    bytes.add(bodyBytes, s.product());
  }
}
