package dev.gantry.routing;

/**
 * A workload's opt-in usage metering: the gateway reads the model-token usage its responses
 * report as they stream past (never holding them) and counts it to its workspace.
 *
 * @param usagePath where its responses carry the usage object; null for OpenAI's places
 *     ({@code usage}, or {@code response.usage} in the responses API's stream events)
 */
public record Metering(UsagePath usagePath) {

  /** Metering of OpenAI-shaped responses. */
  public static final Metering OPENAI = new Metering(null);

  /**
   * The metering a fleet message describes: null when {@code metered} is false; otherwise at
   * {@code usagePath}, or OpenAI's places when it is empty.
   *
   * @throws IllegalArgumentException for a malformed path
   */
  public static Metering of(boolean metered, String usagePath) {
    if (!metered) {
      return null;
    }
    return usagePath == null || usagePath.isEmpty() ? OPENAI : new Metering(UsagePath.parse(usagePath));
  }

  /** The path as the fleet message carries it: empty for OpenAI's places. */
  public String usagePathText() {
    return usagePath == null ? "" : usagePath.toString();
  }
}
