package dev.gantry.controlplane.access;

import com.google.protobuf.Message;

/** {@link AdminLimits} for tests in other packages. */
public final class AdminLimitsProbe {

  private AdminLimitsProbe() {}

  public static String violation(Message request) {
    return AdminLimits.violation(request);
  }
}
