package dev.gantry.authz.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Signature-Input member's parser and the repeated-label guard at their edges: every
 * malformed member is an {@link IllegalArgumentException} (which the verifier turns into
 * {@code malformed-signature}), never another exception that would fail the Check.
 */
class SignatureInputEdgesTest {

  @Test
  void malformedMembers_areRefusedAsMalformed_neverWithAnotherException() {
    for (String header : List.of(
        "=(\"@method\");created=1",
        "sig1=",
        "sig1=[\"@method\" \"@path\");created=1",
        "sig1=(\"@method\";created=1",
        "sig1=(\"@method \"@path\");created=1",
        "sig1=(\"@method\");created",
        "sig1=(\"@method\");keyid=\"abc")) {
      assertThatThrownBy(() -> SignatureInput.parse(header)).as(header).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anEmptyComponentList_parses_andAParameterMayEndTheHeaderEmpty() {
    SignatureInput member = SignatureInput.parse("sig1=();created=1;keyid=");

    assertThat(member.label()).isEqualTo("sig1");
    assertThat(member.components()).isEmpty();
    assertThat(member.params()).containsEntry("created", 1L).containsEntry("keyid", "");
    assertThat(member.serialized()).isEqualTo("();created=1;keyid=");
  }

  @Test
  void repeatedLabel_readsAnEscapedQuote_asPartOfItsString() {
    // sig1=();k="a\",sig1=();k=\"b" is one member: the string runs from "a to b".
    assertThat(SignatureInput.repeatedLabel("sig1=();k=\"a\\\",sig1=();k=\\\"b\"")).isNull();
    // sig1=();k="a\"", sig1=() is two: the string ends after its escaped quote.
    assertThat(SignatureInput.repeatedLabel("sig1=();k=\"a\\\"\", sig1=()")).isEqualTo("sig1");
  }

  @Test
  void repeatedLabel_splitsNeitherInsideAnInnerList_norCountsAMemberWithoutAKey() {
    assertThat(SignatureInput.repeatedLabel("sig1=(\"a\", sig1=x)")).as("a comma inside an inner list").isNull();
    assertThat(SignatureInput.repeatedLabel("=a, =a")).as("no key, no label").isNull();
  }
}
