package dev.gantry.routing;

/**
 * Why a hostname was refused. The codes are stable: clients and dashboards match on them.
 * Every reason here is a client error (HTTP 400); an unknown location or workload is a lookup
 * failure decided elsewhere (404).
 */
public enum HostnameReason {
  MISSING_HOST("missing-host"),
  MALFORMED_PORT("malformed-port"),
  NAME_TOO_LONG("name-too-long"),
  LABEL_TOO_LONG("label-too-long"),
  UNKNOWN_DOMAIN("unknown-domain"),
  MALFORMED_LABEL("malformed-label"),
  MALFORMED_LOCATION("malformed-location"),
  UNKNOWN_PRODUCT("unknown-product"),
  MISSING_WORKLOAD("missing-workload"),
  MISSING_WORKSPACE("missing-workspace"),
  EMPTY_WORKLOAD("empty-workload"),
  MALFORMED_PREVIEW_PORT("malformed-preview-port"),
  PREVIEW_NOT_SANDBOX("preview-not-sandbox");

  private final String code;

  HostnameReason(String code) {
    this.code = code;
  }

  /** The stable machine-readable code, e.g. {@code "unknown-product"}. */
  public String code() {
    return code;
  }
}
