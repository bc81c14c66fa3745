package dev.gantry.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per request on the gateway's standard output, with the two headline figures
 * (docs/architecture.md, "Observability") in microseconds: {@code rtt_us}, request in at Envoy → response out, and
 * {@code ttf_us} (time-to-fetch), request in → sent to the workload. Nothing secret: no
 * query string, no credential header.
 */
final class GatewayAccessLog {

  /** Field name → Envoy substitution command. */
  static final Map<String, String> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("start", "%START_TIME%");
    FIELDS.put("authority", "%REQ(:AUTHORITY)%");
    FIELDS.put("method", "%REQ(:METHOD)%");
    FIELDS.put("path", "%REQ_WITHOUT_QUERY(:PATH)%");
    FIELDS.put("protocol", "%PROTOCOL%");
    FIELDS.put("status", "%RESPONSE_CODE%");
    FIELDS.put("flags", "%RESPONSE_FLAGS%");
    FIELDS.put("details", "%RESPONSE_CODE_DETAILS%");
    FIELDS.put("cluster", "%UPSTREAM_CLUSTER%");
    FIELDS.put("upstream", "%UPSTREAM_HOST%");
    FIELDS.put("rtt_us", "%COMMON_DURATION(DS_RX_BEG:DS_TX_END:us)%");
    FIELDS.put("ttf_us", "%COMMON_DURATION(DS_RX_BEG:US_TX_BEG:us)%");
    FIELDS.put("request_id", "%REQ(X-REQUEST-ID)%");
  }

  private GatewayAccessLog() {}

  static AccessLog of() {
    Struct.Builder format = Struct.newBuilder();
    FIELDS.forEach((name, command) -> format.putFields(name, Value.newBuilder().setStringValue(command).build()));
    StdoutAccessLog stdout =
        StdoutAccessLog.newBuilder()
            .setLogFormat(
                SubstitutionFormatString.newBuilder()
                    .setJsonFormat(format)
                    // %REQ_WITHOUT_QUERY% is an extension: queries may carry secrets.
                    .addFormatters(
                        TypedExtensionConfig.newBuilder()
                            .setName("envoy.formatter.req_without_query")
                            .setTypedConfig(Any.pack(ReqWithoutQuery.getDefaultInstance()))))
            .build();
    return AccessLog.newBuilder().setName("envoy.access_loggers.stdout").setTypedConfig(Any.pack(stdout)).build();
  }
}
