package dev.gantry.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports nobody listens on right now, for the processes a test starts. They come from below
 * Linux's ephemeral range (32768 and up), so a server bound to port 0 meanwhile can never be
 * handed one of them, and never twice from this JVM.
 */
final class FreePorts {

  private static final int FIRST = 20_000;
  private static final int LAST = 32_000;
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePorts() {}

  static synchronized int next() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
      if (!handedOut.contains(port) && isFree(port)) {
        handedOut.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
