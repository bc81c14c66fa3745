package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which credential a request carries, at the edges: a signature (either of its headers is
 * enough to make the request a signed one), a signature beside another credential, repeated
 * headers joined behind an empty first one, an empty Authorization header.
 */
class BearerCredentialEdgesTest {

  private static final String INPUT = "sig1=(\"@method\" \"@authority\" \"@path\");created=1;keyid=\"ed-1\"";
  private static final String SIGNATURE = "sig1=:AAAA:";

  private static String reason(BearerCredential.Found found) {
    return found instanceof BearerCredential.Unusable unusable ? unusable.reason() : found.getClass().getSimpleName();
  }

  @Test
  void eitherSignatureHeader_makesTheRequestASignedOne() {
    assertThat(BearerCredential.from(Map.of("signature-input", INPUT, "signature", SIGNATURE)))
        .isEqualTo(new BearerCredential.Signed());
    assertThat(BearerCredential.from(Map.of("signature", SIGNATURE))).isEqualTo(new BearerCredential.Signed());
    assertThat(BearerCredential.from(Map.of("signature-input", INPUT))).isEqualTo(new BearerCredential.Signed());
  }

  @Test
  void aSignatureBesideAnyOtherCredential_isAmbiguous() {
    Map<String, String> others = Map.of("authorization", "Bearer abc.def.ghi", "x-api-key", "gk_k1_secret1");
    for (Map.Entry<String, String> other : others.entrySet()) {
      BearerCredential.Found found =
          BearerCredential.from(Map.of("signature-input", INPUT, "signature", SIGNATURE, other.getKey(), other.getValue()));
      assertThat(reason(found)).as(other.getKey()).isEqualTo("ambiguous-credentials");
    }
  }

  @Test
  void aCommaAtTheVeryStart_stillMeansTwoHeaders() {
    assertThat(reason(BearerCredential.from(Map.of("x-api-key", ",gk_k1_secret1")))).isEqualTo("ambiguous-credentials");
    assertThat(reason(BearerCredential.from(Map.of("authorization", ",Bearer abc")))).isEqualTo("ambiguous-credentials");
  }

  @Test
  void anEmptyAuthorizationHeader_isNoCredential() {
    assertThat(BearerCredential.from(Map.of("authorization", ""))).isEqualTo(new BearerCredential.Absent());
  }
}
