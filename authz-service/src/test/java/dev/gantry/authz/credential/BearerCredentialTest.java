package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerCredentialTest {

  @Test
  void from_readsBearerToken() {
    assertThat(BearerCredential.from(Map.of("authorization", "Bearer abc.def.ghi")))
        .isEqualTo(new BearerCredential.Token("abc.def.ghi"));
    assertThat(BearerCredential.from(Map.of("authorization", "bearer abc"))).isEqualTo(new BearerCredential.Token("abc"));
    assertThat(BearerCredential.from(Map.of())).isInstanceOf(BearerCredential.Absent.class);
  }

  @Test
  void from_twoAuthorizationHeaders_areAmbiguous() {
    // Envoy joins repeated request headers with ',' when it sends them to ext_authz.
    assertThat(BearerCredential.from(Map.of("authorization", "Bearer a.b.c,Bearer d.e.f")))
        .isEqualTo(new BearerCredential.Unusable("ambiguous-credentials", "more than one Authorization header (expected: exactly one)"));
  }

  @Test
  void from_otherSchemesAndEmptyTokens_areUnusable() {
    assertThat(((BearerCredential.Unusable) BearerCredential.from(Map.of("authorization", "Basic dXNlcg=="))).reason())
        .isEqualTo("unsupported-scheme");
    assertThat(((BearerCredential.Unusable) BearerCredential.from(Map.of("authorization", "Bearer  "))).reason())
        .isEqualTo("malformed-token");
  }
}
