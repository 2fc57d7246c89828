package io.committed.raft;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.util.SPI;
import java.util.function.Supplier;

/**
 * JRaft's Bolt transport, with {@link PeerTls} on the RPC clients JRaft creates inside a node and
 * a membership client (they are made while the node, or the client, starts on the calling
 * thread): found by JRaft's own service loader, ahead of {@link BoltRaftRpcFactory} by its
 * priority. Outside {@link #withTls} it is Bolt's factory unchanged, so other JRaft users in the
 * same JVM are not affected.
 */
@SPI(priority = 10)
public final class PeerTlsRpcFactory extends BoltRaftRpcFactory {
  private static final ThreadLocal<PeerTls> CURRENT = new ThreadLocal<>();

  @Override
  public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
    RpcClient client = super.createRpcClient(helper);
    PeerTls tls = CURRENT.get();
    if (tls != null) {
      tls.configure(client);
    }
    return client;
  }

  /** Runs {@code start} with the RPC clients JRaft creates on this thread speaking {@code tls} (none when null). */
  static <T> T withTls(PeerTls tls, Supplier<T> start) {
    PeerTls before = CURRENT.get();
    CURRENT.set(tls);
    try {
      return start.get();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }
}
