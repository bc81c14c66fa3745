package dev.gantry.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Resolves every {@code *.localhost} and {@code *.test} name to 127.0.0.1 in the test JVM, as
 * curl does for {@code *.localhost}: clients can then use a gateway hostname as it is, and TLS
 * sends it as SNI and checks the certificate against it, exactly as a user's client does. Other
 * names go to the system resolver. Registered in {@code META-INF/services}.
 */
public final class LoopbackNames extends InetAddressResolverProvider {

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver system = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".localhost") || name.endsWith(".test")) {
          return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
        }
        return system.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return system.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "gantry-test-loopback-names";
  }
}
