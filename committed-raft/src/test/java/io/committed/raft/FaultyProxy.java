package io.committed.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of one node's replication port, for fault injection: {@link #cut()} closes
 * every connection and refuses new ones (the node hears nothing), {@link #delayMillis} slows every
 * chunk forwarded to the node (a slow follower), {@link #heal()} restores normal service.
 */
final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean closed;
  volatile long delayMillis;

  FaultyProxy(int listenPort, int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", listenPort));
    Thread t = new Thread(this::acceptLoop, "proxy-" + listenPort);
    t.setDaemon(true);
    t.start();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream = new Socket("127.0.0.1", target);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        // closed, or the target is down: the client sees its connection fail
      }
    }
  }

  private void pump(Socket from, Socket to, boolean towardsNode) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (cut) {
            break;
          }
          long d = delayMillis;
          if (towardsNode && d > 0) {
            Thread.sleep(d);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // connection gone
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "pump");
    t.setDaemon(true);
    t.start();
  }

  void cut() {
    cut = true;
    sockets.forEach(FaultyProxy::closeQuietly);
    sockets.clear();
  }

  void heal() {
    delayMillis = 0;
    cut = false;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cut();
    server.close();
  }
}
