package dev.gantry.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class Base64SpellingTest {

  @Test
  void base64url_onlyTheEncodersSpelling() {
    assertThat(Base64Spelling.canonicalUrl("")).isTrue();
    assertThat(Base64Spelling.canonicalUrl("AQAB")).isTrue();
    assertThat(Base64Spelling.canonicalUrl("_-8")).isTrue();
    assertThat(Base64Spelling.canonicalUrl("AQAB=")).as("padding").isFalse();
    assertThat(Base64Spelling.canonicalUrl("/+8")).as("the other alphabet").isFalse();
    assertThat(Base64Spelling.canonicalUrl("AQ B")).as("whitespace").isFalse();
    assertThat(Base64Spelling.canonicalUrl("AR")).as("stray bits: 'AR' reads as 'AQ'").isFalse();
    assertThat(Base64Spelling.canonicalUrl("AQABC")).as("a length no octets encode to").isFalse();
  }

  @Test
  void standardBase64_paddedAndWithoutStrayBits() {
    assertThat(Base64Spelling.decodeCanonical("AQ==")).containsExactly(1);
    assertThat(Base64Spelling.decodeCanonical("")).isEmpty();
    assertThat(Base64Spelling.decodeCanonical("AQ")).as("padding missing").isNull();
    assertThat(Base64Spelling.decodeCanonical("AR==")).as("stray bits").isNull();
    assertThat(Base64Spelling.decodeCanonical("AQ_=")).as("the URL alphabet").isNull();
    assertThat(Base64Spelling.decodeCanonical("A Q==")).isNull();
    assertThat(Base64Spelling.decodeCanonical("AQ=A")).isNull();
  }

  @Test
  void jwkKeyMembers_canonical_fullLengthForCurves() {
    String x32 = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB"))).isNull();
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "RSA", "n", "AAEA", "e", "AQAB")))
        .as("a leading zero octet: tolerated, some identity providers publish them").isNull();
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB="))).contains("'e' is not canonical");
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "OKP", "crv", "Ed25519", "x", x32))).isNull();
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "OKP", "crv", "Ed25519", "x", "AQAB"))).contains("3 octets (expected: 32)");
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "EC", "crv", "P-256", "x", x32, "y", "AA" + x32.substring(2))))
        .isNull();
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "EC", "crv", "P-256", "x", x32, "y", "AAAA" + x32)))
        .contains("'y' is 35 octets");
    assertThat(Base64Spelling.jwkProblem(Map.of("kty", "oct", "k", "AQAB="))).as("not a public key type Gantry reads").isNull();
  }
}
