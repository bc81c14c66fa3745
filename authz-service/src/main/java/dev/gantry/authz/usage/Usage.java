package dev.gantry.authz.usage;

/**
 * Model tokens one response reports having used. {@code cachedTokens} are part of {@code
 * inputTokens} (served from the model provider's prompt cache), as both OpenAI formats count them.
 *
 * @param inputTokens prompt or input tokens
 * @param outputTokens completion or output tokens
 * @param cachedTokens the input tokens served from a cache
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens) {

  public static final Usage NONE = new Usage(0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0) {
      throw new IllegalArgumentException("token counts are never negative");
    }
  }
}
