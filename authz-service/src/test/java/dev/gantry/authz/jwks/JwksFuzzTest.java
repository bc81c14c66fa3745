package dev.gantry.authz.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * Coverage-guided fuzzing of a JWKS document as an issuer serves it: parsed and sorted into keys
 * kept and keys dropped (each with a reason), or refused as a whole; never an exception the
 * cache does not expect. {@code scripts/fuzz JwksFuzzTest#jwks <seconds>} searches further.
 */
class JwksFuzzTest {

  @FuzzTest
  void jwks(byte[] input) {
    String document = new String(input, StandardCharsets.UTF_8);
    JWKSet set;
    try {
      set = JWKSet.parse(document).toPublicJWKSet();
    } catch (ParseException refused) {
      return; // the cache keeps the set it held
    }
    VerificationKeys.Sorted sorted = VerificationKeys.sort(set.getKeys());
    assertThat(sorted.kept().size() + sorted.dropped().size()).isEqualTo(set.getKeys().size());
    for (JWK kept : sorted.kept()) {
      assertThat(VerificationKeys.refusal(kept)).isNull();
      assertThat(kept.isPrivate()).isFalse();
    }
  }
}
