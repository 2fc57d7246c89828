package io.committed.testkit;

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
 * every connection and refuses new ones (the node hears nothing), {@link #refuseFrom} drops every
 * connection over which another node sends raft requests (so that, with that node's own proxy cut,
 * it is isolated both ways), {@link #delayMillis} slows every chunk forwarded to the node (a slow
 * follower), {@link #heal()} restores normal service. The node listens on another port (the raft
 * engine's {@code listenAddress}, the node's {@code COMMITTED_RAFT_LISTEN_ADDR}) and its peers know
 * it at the proxy's.
 */
public final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  /** The bytes that mark a raft request of the refused sender, or null. */
  private volatile byte[] refused;
  private volatile boolean closed;
  /** Milliseconds each chunk forwarded to the node waits first; 0 for none. */
  public volatile long delayMillis;
  /** Every byte forwarded either way, once {@link #record()} was called; null before. */
  private volatile java.io.ByteArrayOutputStream recorded;

  /** Listens on 127.0.0.1:{@code listenPort} and forwards to 127.0.0.1:{@code targetPort}. */
  public FaultyProxy(int listenPort, int targetPort) throws IOException {
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
      byte[] tail = new byte[0]; // the end of the previous chunk: a mark may straddle two reads
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (cut) {
            break;
          }
          byte[] mark = refused;
          if (towardsNode && mark != null) {
            byte[] seen = new byte[tail.length + n];
            System.arraycopy(tail, 0, seen, 0, tail.length);
            System.arraycopy(buf, 0, seen, tail.length, n);
            if (indexOf(seen, mark) >= 0) {
              break; // a request from the refused node: drop the connection before it gets through
            }
            tail = java.util.Arrays.copyOfRange(seen, Math.max(0, seen.length - mark.length + 1), seen.length);
          }
          long d = delayMillis;
          if (towardsNode && d > 0) {
            Thread.sleep(d);
          }
          java.io.ByteArrayOutputStream r = recorded;
          if (r != null) {
            synchronized (r) {
              r.write(buf, 0, n);
            }
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

  /**
   * Drops connections that carry raft requests from the node with this replication address (as
   * the peers know it): JRaft's requests name their sender in field 2 ({@code server_id}, the
   * peer id {@code ip:port:index}) of their protobuf message, which is what is looked for.
   */
  public void refuseFrom(String address, int nodeId) {
    byte[] id = (address + ":" + nodeId).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] mark = new byte[id.length + 2];
    mark[0] = 0x12; // field 2, length-delimited
    mark[1] = (byte) id.length;
    System.arraycopy(id, 0, mark, 2, id.length);
    refused = mark;
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** From now on, keeps every byte forwarded in either direction (for {@link #recorded}). */
  public void record() {
    recorded = new java.io.ByteArrayOutputStream();
  }

  /** The bytes forwarded since {@link #record()}. */
  public byte[] recorded() {
    java.io.ByteArrayOutputStream r = recorded;
    synchronized (r) {
      return r.toByteArray();
    }
  }

  /** True when {@code pattern} occurs in the bytes forwarded since {@link #record()}. */
  public boolean recordedContains(byte[] pattern) {
    return indexOf(recorded(), pattern) >= 0;
  }

  /** Closes every connection through the proxy and refuses new ones until {@link #heal()}. */
  public void cut() {
    cut = true;
    sockets.forEach(FaultyProxy::closeQuietly);
    sockets.clear();
  }

  /** Forwards everything again, without delay. */
  public void heal() {
    delayMillis = 0;
    refused = null;
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
