package io.committed.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for servers a test starts later. {@code new ServerSocket(0)} hands out
 * a port from the ephemeral range, which outgoing connections also use, so by the time the server
 * binds it another connection may own it; these ports come from below the ephemeral range, are
 * checked bindable, and are never handed out twice in one JVM.
 */
public final class Ports {
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port that is free now, outside the ephemeral range. */
  public static int free() {
    int low = 10_000;
    int high = ephemeralLow() - 1;
    if (high - low < 1000) {
      throw new IllegalStateException("the ephemeral port range starts at " + (high + 1)
          + ": too low to pick ports for test servers outside it");
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(low, high + 1);
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found between " + low + " and " + high);
  }

  private static int ephemeralLow() {
    try {
      // read by line: Files.readString trusts the size /proc reports and returns a fragment
      String range;
      try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        range = r.readLine();
      }
      return Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default
    }
  }
}
