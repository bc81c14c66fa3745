package dev.gantry.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProductTest {

  @Test
  void scope_isWhatACredentialNeedsForTheProduct() {
    assertThat(Product.AGENT.scope()).isEqualTo("agt:invoke");
    assertThat(Product.MCP_SERVER.scope()).isEqualTo("mcp:call");
    assertThat(Product.SANDBOX.scope()).isEqualTo("sbx:exec");
    assertThat(Product.SCOPES).containsExactlyInAnyOrder("agt:invoke", "mcp:call", "sbx:exec");
  }

  @Test
  void fromLabel_readsBackEveryLabel() {
    for (Product product : Product.values()) {
      assertThat(Product.fromLabel(product.label())).isEqualTo(product);
    }
    assertThat(Product.fromLabel("xyz")).isNull();
  }
}
