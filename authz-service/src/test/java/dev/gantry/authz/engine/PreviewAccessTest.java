package dev.gantry.authz.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of a preview request: the token in a query, the redirect's target, the cookie left to the app. */
class PreviewAccessTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "/?gantry_preview_token=gp_a_b                 | gp_a_b",
      "/p?x=1&gantry_preview_token=gp_a_b&y=2        | gp_a_b",
      "/p?my_gantry_preview_token=gp_a_b             | null",
      "/p?gantry_preview_tokens=gp_a_b               | null",
      "/p                                            | null",
  })
  void queryToken(String path, String token) {
    assertThat(PreviewAccess.queryToken(path)).isEqualTo(token);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "/?gantry_preview_token=gp_a_b                        | /",
      "/p?x=1&gantry_preview_token=gp_a_b&y=2               | /p?x=1&y=2",
      "/p?gantry_preview_token=1&gantry_preview_token=2&z   | /p?z",
      "/p?a=1&&b&gantry_preview_token=x                     | /p?a=1&&b",
      "//elsewhere.example/?gantry_preview_token=x          | //elsewhere.example/",
  })
  void withoutToken_keepsEverythingElse(String path, String expected) {
    assertThat(PreviewAccess.withoutToken(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "theme=dark; __Host-gantry-preview=gp_a_b; lang=en | theme=dark; lang=en",
      "__Host-gantry-preview=gp_a_b                      | null",
      "theme=dark                                        | theme=dark",
      "theme=dark, __Host-gantry-preview=gp_a_b          | theme=dark",
      "theme=dark; __Host-gantry-preview =gp_a_b         | theme=dark",
  })
  void cookieWithout_leavesTheAppsCookies(String header, String expected) {
    assertThat(PreviewAccess.cookieWithout(header)).isEqualTo(expected);
  }
}
