package dev.gantry.routing;

import java.util.regex.Pattern;

/**
 * The grammar of a workload's labels, shared by the control plane (which refuses a write that
 * breaks it) and the sidecar (which refuses a snapshot that does): keys of 1-63 of
 * {@code a-z 0-9 . _ -} starting and ending with a letter or digit, values of up to 63 of
 * {@code A-Z a-z 0-9 . _ -} — nothing that can end or split the header that carries them.
 */
public final class Labels {

  private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");

  /** What {@link #isValid} expects, for a refusal. */
  public static final String EXPECTED = "a key of 1-63 of a-z 0-9 . _ -, starting and ending with a letter or digit,"
      + " and a value of up to 63 of A-Z a-z 0-9 . _ -";

  private Labels() {}

  /** True when {@code key=value} is a label. */
  public static boolean isValid(String key, String value) {
    return KEY.matcher(key).matches() && VALUE.matcher(value).matches();
  }
}
