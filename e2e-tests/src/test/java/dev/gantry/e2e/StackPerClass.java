package dev.gantry.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link GatewayStack} for a test class and closes it after — or, with {@link
 * #perTest()}, one for every test, for tests that break their stack on purpose. Register with
 * {@code @RegisterExtension static final StackPerClass stacks = ...}.
 */
final class StackPerClass implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final boolean perTest;
  private final boolean redirectPlaintext;
  private GatewayStack stack;

  private StackPerClass(boolean perTest, boolean redirectPlaintext) {
    this.perTest = perTest;
    this.redirectPlaintext = redirectPlaintext;
  }

  /** One stack shared by the class's tests. */
  static StackPerClass perClass() {
    return new StackPerClass(false, false);
  }

  /** A fresh stack for every test. */
  static StackPerClass perTest() {
    return new StackPerClass(true, false);
  }

  /** One stack shared by the class's tests, its plaintext port redirecting to HTTPS (as in production). */
  static StackPerClass redirectingPlaintext() {
    return new StackPerClass(false, true);
  }

  /** The running stack. */
  GatewayStack stack() {
    return stack;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!perTest) {
      stack = new GatewayStack(redirectPlaintext);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (perTest) {
      stack = new GatewayStack(redirectPlaintext);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (perTest) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!perTest) {
      close();
    }
  }

  private void close() throws Exception {
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }
}
