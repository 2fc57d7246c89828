package io.committed.raft;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import com.alipay.remoting.config.BoltGenericOption;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import io.committed.api.ConfigException;
import io.committed.api.Pem;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS for a node's replication traffic (raft messages, forwarded proposals, membership
 * calls), from PEM files: this node's certificate chain and key, and the CA certificates it trusts
 * (one CA, or a bundle while a CA is replaced).
 *
 * <p>Both ends present a certificate and check the other's against the CA file. A node connecting
 * to a peer also checks that the peer's certificate names the host it dialled (a DNS or IP subject
 * alternative name), as an HTTPS client does; a node accepting a connection checks the CA only.
 * TLS 1.2 and 1.3 only.
 *
 * <p>The files are read again, for the next connection, when one of them changes (modified time,
 * size, or the file itself, as when it is replaced by a rename): certificates can be rotated
 * without a restart. Connections already open keep the certificates they were made with. A change that cannot be used (a half-written file, a key that
 * is not the certificate's) is logged and the previous files stay in use until a usable change.
 *
 * <p>Bolt (JRaft's transport) adds the handlers this makes in front of its codec on every
 * connection ({@link BoltGenericOption#EXTENDED_NETTY_CHANNEL_HANDLER}); clients that JRaft
 * creates itself get them through {@link PeerTlsRpcFactory}.
 */
final class PeerTls {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTls.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final long REFUSAL_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Path certFile;
  private final Path keyFile;
  private final Path caFile;
  private final String name;
  private volatile Contexts contexts;
  /** The stamp of the files last found unusable, so that each bad change is logged once. */
  private volatile String refusedStamp;
  /** When a failed handshake with each remote host was last logged. */
  private final Map<String, Long> refusalsLogged = new ConcurrentHashMap<>();

  private record Contexts(String stamp, SslContext server, SslContext client) {}

  /**
   * Reads the files at once: a node with unusable TLS files does not start.
   *
   * @param name the node, for log lines
   * @throws ConfigException naming the engine option of the file that cannot be used
   */
  PeerTls(Path certFile, Path keyFile, Path caFile, String name) {
    this.certFile = Objects.requireNonNull(certFile, "certFile");
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.caFile = Objects.requireNonNull(caFile, "caFile");
    this.name = name;
    this.contexts = load(stamp());
  }

  /** The TLS settings of {@code settings}, or null when they turn TLS off. */
  static PeerTls of(RaftSettings settings, String name) {
    return settings.tlsCertFile() == null ? null
        : new PeerTls(Path.of(settings.tlsCertFile()), Path.of(settings.tlsKeyFile()), Path.of(settings.tlsCaFile()),
            name);
  }

  /** Makes {@code server} (not initialised yet) require TLS with a trusted client certificate. */
  void configure(RpcServer server) {
    ((BoltRpcServer) server).getServer().option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER,
        handlers(() -> List.of(serverHandler(), new HandshakeLog())));
  }

  /** Makes {@code client} (created, not initialised yet) speak TLS to every peer it connects to. */
  void configure(RpcClient client) {
    ((BoltRpcClient) client).getRpcClient().option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER,
        handlers(() -> List.of(new ClientTlsOnConnect(), new HandshakeLog())));
  }

  private static ExtendedNettyChannelHandler handlers(java.util.function.Supplier<List<ChannelHandler>> front) {
    return new ExtendedNettyChannelHandler() {
      @Override
      public List<ChannelHandler> frontChannelHandlers() {
        return front.get(); // called once per connection: fresh handlers, current certificates
      }

      @Override
      public List<ChannelHandler> backChannelHandlers() {
        return List.of();
      }
    };
  }

  SslHandler serverHandler() {
    SSLEngine engine = current().server().newEngine(ByteBufAllocator.DEFAULT);
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    return new SslHandler(engine);
  }

  SslHandler clientHandler(String host, int port) {
    SSLEngine engine = current().client().newEngine(ByteBufAllocator.DEFAULT, host, port);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the peer's certificate must name the host dialled
    engine.setSSLParameters(p);
    return new SslHandler(engine);
  }

  /** The contexts the last connection got (for tests: reloading replaces them). */
  Object contextsInUse() {
    return contexts;
  }

  /** The contexts of the files as they are now, reloaded when they changed and can be used. */
  private Contexts current() {
    Contexts c = contexts;
    String now;
    try {
      now = stamp();
    } catch (ConfigException e) {
      warnOnce("gone", e.getMessage());
      return c;
    }
    if (now.equals(c.stamp()) || now.equals(refusedStamp)) {
      return c;
    }
    synchronized (this) {
      c = contexts;
      if (now.equals(c.stamp())) {
        return c;
      }
      try {
        Contexts next = load(now);
        contexts = next;
        refusedStamp = null;
        LOG.info("raft node {}: peer TLS files changed; new connections use {} (CA {})", name, certFile, caFile);
        return next;
      } catch (ConfigException e) {
        refusedStamp = now;
        LOG.warn("raft node {}: peer TLS files changed but cannot be used, the previous ones stay in use: {}", name,
            e.getMessage());
        return c;
      }
    }
  }

  private void warnOnce(String stamp, String message) {
    if (!stamp.equals(refusedStamp)) {
      refusedStamp = stamp;
      LOG.warn("raft node {}: {}; the previous peer TLS files stay in use", name, message);
    }
  }

  private String stamp() {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Path> f : Map.of("tlsCertFile", certFile, "tlsKeyFile", keyFile, "tlsCaFile", caFile)
        .entrySet()) {
      try {
        BasicFileAttributes a = Files.readAttributes(f.getValue(), BasicFileAttributes.class);
        // the file key (device and inode) changes when a file is replaced by a rename, whatever the clock says
        s.append(f.getValue()).append('@').append(a.lastModifiedTime().toMillis()).append('/').append(a.size())
            .append('/').append(a.fileKey()).append(';');
      } catch (IOException e) {
        throw new ConfigException("engineOption", "raft option " + f.getKey() + " '" + f.getValue()
            + "' cannot be read: " + e);
      }
    }
    return s.toString();
  }

  private Contexts load(String stamp) {
    KeyStore keys = Pem.keyStore(certFile, "raft option tlsCertFile", keyFile, "raft option tlsKeyFile");
    KeyStore trusted = Pem.trustStore(caFile, "raft option tlsCaFile");
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, Pem.keyPassword());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SslContext server = SslContextBuilder.forServer(kmf).trustManager(tmf).clientAuth(ClientAuth.REQUIRE)
          .protocols(PROTOCOLS).build();
      SslContext client = SslContextBuilder.forClient().keyManager(kmf).trustManager(tmf).protocols(PROTOCOLS)
          .build();
      return new Contexts(stamp, server, client);
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("engineOption", "raft options tlsCertFile '" + certFile + "', tlsKeyFile '" + keyFile
          + "' and tlsCaFile '" + caFile + "' cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Adds the client's TLS handler when the connection is dialled, when the host it must verify is
   * known, and steps out of the way.
   */
  private final class ClientTlsOnConnect extends ChannelDuplexHandler {
    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
      InetSocketAddress peer = (InetSocketAddress) remote;
      ctx.pipeline().addAfter(ctx.name(), "committed-peer-tls", clientHandler(peer.getHostString(), peer.getPort()));
      ctx.connect(remote, local, promise);
      ctx.pipeline().remove(this);
    }
  }

  /** Logs a failed handshake (an untrusted or misnamed certificate, a peer without TLS) once a minute per host. */
  private final class HandshakeLog extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        SocketAddress address = ctx.channel().remoteAddress();
        String remote = String.valueOf(address);
        // by host: a peer that keeps retrying comes from a new port each time
        String host = address instanceof InetSocketAddress inet ? inet.getHostString() : remote;
        long now = System.nanoTime();
        Long last = refusalsLogged.get(host);
        if (last == null || now - last > REFUSAL_LOG_NANOS) {
          refusalsLogged.put(host, now);
          Throwable cause = done.cause();
          while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
          }
          LOG.warn("raft node {}: TLS handshake with {} failed, connection closed (logged once a minute per host): {}",
              name, remote, cause.toString());
        }
      }
      super.userEventTriggered(ctx, evt);
    }
  }
}
