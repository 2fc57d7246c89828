package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of mysql-binlog-connector-java's client, read on a daemon thread of its own into
 * a bounded queue that the ingest thread takes events from. The client's threads (its reader, its
 * connect-timeout guard) are all daemon threads made here, and {@link #close} always disconnects
 * it and waits for the reader to end: the connector's own threads are not daemons and would keep
 * a JVM alive.
 */
final class BinlogStream implements AutoCloseable {
  /** What the queue holds besides events. */
  sealed interface Signal {}

  /** The client is connected and has asked for the stream. */
  record Connected() implements Signal {}

  /** The connection failed or ended. */
  record Ended(Exception cause) implements Signal {}

  private static final AtomicInteger THREADS = new AtomicInteger();
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8192);
  private final BinaryLogClient client;
  private final String name;
  private volatile boolean closed;
  private Thread reader;

  /**
   * @param gtids where to start by GTID (MariaDB position or MySQL set), or null for file+position
   */
  BinlogStream(MySqlSettings settings, String ingestableId, String file, long pos, String gtids) {
    SourceAddress a = settings.address();
    this.name = "committed-binlog-" + ingestableId;
    client = new BinaryLogClient(a.host(), a.port(), a.user(), a.password());
    client.setServerId(settings.serverId());
    client.setKeepAlive(false); // a broken stream ends the run; the supervisor restarts it from the log's position
    client.setBlocking(true);
    client.setConnectTimeout(settings.connectTimeout().toMillis());
    if (!settings.heartbeat().isZero()) {
      client.setHeartbeatInterval(settings.heartbeat().toMillis());
    }
    client.setThreadFactory(r -> {
      Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    String ssl = a.options().getOrDefault("sslMode", a.options().getOrDefault("sslmode", ""));
    client.setSSLMode(switch (ssl.toLowerCase(java.util.Locale.ROOT)) {
      case "trust", "required", "require" -> SSLMode.REQUIRED;
      case "verify-ca", "verify_ca" -> SSLMode.VERIFY_CA;
      case "verify-full", "verify_identity", "verify-identity" -> SSLMode.VERIFY_IDENTITY;
      case "disable", "disabled" -> SSLMode.DISABLED;
      default -> SSLMode.PREFERRED;
    });
    client.setEventDeserializer(RowDeserializers.create());
    if (gtids != null) {
      client.setGtidSet(gtids);
    }
    client.setBinlogFilename(file);
    client.setBinlogPosition(pos);
    client.registerEventListener(this::put);
    client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
      @Override
      public void onConnect(BinaryLogClient c) {
        put(new Connected());
      }

      @Override
      public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
        put(new Ended(ex));
      }

      @Override
      public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
        put(new Ended(ex));
      }
    });
  }

  /** Connects on the reader thread; events and signals arrive in the queue from now on. */
  void start() {
    reader = new Thread(() -> {
      Exception failure = null;
      try {
        client.connect();
      } catch (IOException | RuntimeException e) {
        failure = e;
      } finally {
        put(new Ended(failure));
      }
    }, name + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next event or {@link Signal}, or null when none came within the timeout. */
  Object poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  private void put(Object item) {
    try {
      while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        // the ingest thread is busy (waiting for the log): keep waiting, unless closed
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Disconnects and waits (up to 10 s) for the reader thread to end. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      client.disconnect();
    } catch (IOException e) {
      // closing anyway
    }
    if (reader != null) {
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    queue.clear();
  }

  /** True when the reader thread has ended (for tests). */
  boolean ended() {
    return reader == null || !reader.isAlive();
  }
}
