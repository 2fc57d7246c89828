package io.committed.server;

import io.committed.Committed;
import io.committed.CommittedBuilder;
import io.committed.CommittedLog;
import io.committed.api.CommittedException;
import io.committed.api.ConfigException;
import io.committed.server.internal.ApiServer;
import io.committed.server.internal.NodeContext;
import io.committed.server.internal.NodeMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: a {@link CommittedLog} and its REST API. Started by {@link Main} from the
 * environment, or by a host (or a test) with {@link #start(ServerSettings)}.
 *
 * <p>Lifecycle: {@link #start} starts the log, then the API; {@link #shutdown()} stops accepting
 * connections, drains the requests in flight, then closes the log (which stops the workers and
 * hands leadership over), all within {@link ServerSettings#shutdownTimeout()}. {@link #close()}
 * is {@code shutdown()}; both are idempotent.
 */
public final class CommittedServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommittedServer.class);

  private enum State { RUNNING, STOPPING, STOPPED }

  private final ServerSettings settings;
  private final CommittedLog log;
  private final NodeMetrics metrics;
  private final NodeContext context;
  private final ApiServer api;
  private final int port;
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
  private final CompletableFuture<Boolean> stopped = new CompletableFuture<>();

  private CommittedServer(ServerSettings settings, Consumer<CommittedBuilder> customizer) {
    this.settings = settings;
    this.metrics = settings.metricsEnabled() ? new NodeMetrics() : null;
    CommittedBuilder builder = Committed.builder()
        .nodeId(settings.nodeId())
        .maxProposalBytes(settings.maxProposalBytes())
        .operationTimeout(settings.writeTimeout());
    if (settings.engine() == ServerSettings.Engine.MEMORY) {
      builder.inMemory();
    } else {
      builder.engine("raft").peers(settings.peers()).dataDir(settings.dataDir())
          .join(settings.join())
          .electionTimeout(Duration.ofMillis(settings.electionTimeoutMs()))
          .snapshotInterval(Duration.ofSeconds(settings.snapshotIntervalSeconds()))
          .diskAdmission(settings.diskAdmission()[0], settings.diskAdmission()[1], settings.diskAdmission()[2]);
      settings.raftListenAddress().ifPresent(a -> builder.engineOption("listenAddress", a));
      if (settings.peerTlsCertFile().isPresent()) {
        builder.peerTls(settings.peerTlsCertFile().get(), settings.peerTlsKeyFile().orElseThrow(),
            settings.peerTlsCaFile().orElseThrow());
      }
    }
    if (metrics != null) {
      builder.observer(metrics);
    }
    customizer.accept(builder);
    try {
      this.log = builder.start();
    } catch (ConfigException e) {
      if (metrics != null) {
        metrics.close();
      }
      if ("engine".equals(e.field().orElse(null))) {
        throw new ConfigException("COMMITTED_ENGINE", "COMMITTED_ENGINE=raft needs the replicated engine "
            + "(io.committed:committed-raft) on the class path, and this node has none (" + e.getMessage()
            + "); set COMMITTED_ENGINE=memory for a single in-memory node", e);
      }
      throw e;
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
    try {
      if (metrics != null) {
        metrics.attach(log);
      }
      this.context = new NodeContext(log, settings, metrics);
      this.api = new ApiServer(context);
      api.start();
      this.port = api.port();
    } catch (RuntimeException e) {
      log.close();
      if (metrics != null) {
        metrics.close();
      }
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException("COMMITTED_API_ADDR", "the API cannot listen on " + settings.apiHost().orElse("")
          + ":" + settings.apiPort() + " (COMMITTED_API_ADDR): " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * Starts a node: the log (engine chosen by {@link ServerSettings#engine()}, plug-ins from the
   * class path), then the API.
   *
   * @throws ConfigException naming the variable at fault (no engine, address in use, unreadable
   *     TLS files)
   * @throws CommittedException when the log cannot start
   */
  public static CommittedServer start(ServerSettings settings) {
    return start(settings, b -> { });
  }

  /**
   * Like {@link #start(ServerSettings)}, letting {@code customizer} adjust the log's builder after
   * the settings are applied (register plug-in factories, a clock, an environment).
   */
  public static CommittedServer start(ServerSettings settings, Consumer<CommittedBuilder> customizer) {
    CommittedServer server = new CommittedServer(settings, customizer);
    LOG.info("Committed node {} serving on {} ({})", settings.nodeId(), server.uri(), settings);
    return server;
  }

  /** The log this node serves. */
  public CommittedLog log() {
    return log;
  }

  /** The settings it was started with. */
  public ServerSettings settings() {
    return settings;
  }

  /** The port the API listens on (the one picked when {@code COMMITTED_API_ADDR} asked for port 0). */
  public int port() {
    return port;
  }

  /** The API's base address, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    String host = settings.apiHost().orElse("127.0.0.1");
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((settings.tls() ? "https" : "http") + "://" + host + ":" + port());
  }

  /** The API's routes as {@code METHOD /path/{param}}, as the router registered them. */
  public Set<String> routes() {
    return api.registeredRoutes();
  }

  /**
   * Shuts the node down gracefully: not ready from now on, no new connections, requests in flight
   * drained (new ones on open connections get 503), then the log closed. Bounded by
   * {@link ServerSettings#shutdownTimeout()} as a whole, of which the drain may use three quarters
   * (all but 5 s at most): past that, remaining requests are cut off and the log is closed anyway.
   * A close that overruns the deadline goes on in the background. Idempotent; a second caller
   * waits for the first.
   *
   * @return true when everything finished within the deadline
   */
  public boolean shutdown() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
      return stopped.join();
    }
    long total = settings.shutdownTimeout().toNanos();
    long deadline = System.nanoTime() + total;
    // the log's close (workers, leadership hand-over, files) keeps a share of the deadline: a quarter, at most 5 s
    long reserve = Math.min(total / 4, TimeUnit.SECONDS.toNanos(5));
    LOG.info("shutdown: draining the API (deadline {} ms)", settings.shutdownTimeout().toMillis());
    context.stopping(true);
    boolean drained = api.drain(Duration.ofNanos(total - reserve));
    api.stop();
    LOG.info("shutdown: API {}; closing the log", drained ? "drained" : "cut off at the deadline");
    boolean closed = closeLog(remaining(deadline));
    if (metrics != null) {
      metrics.close();
    }
    boolean ok = drained && closed;
    if (ok) {
      LOG.info("shutdown: done");
    } else {
      LOG.warn("shutdown: the deadline was missed ({})", !drained ? "requests were still running when the API was"
          + " cut off" : "the log had not closed: its workers or the leadership hand-over were still stopping");
    }
    state.set(State.STOPPED);
    stopped.complete(ok);
    return ok;
  }

  private boolean closeLog(Duration timeout) {
    CompletableFuture<Void> closing = CompletableFuture.runAsync(log::close, r -> {
      Thread t = new Thread(r, "committed-shutdown-close");
      t.setDaemon(true);
      t.start();
    });
    try {
      closing.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      LOG.warn("the log did not close within the shutdown deadline; it goes on closing in the background");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      LOG.warn("closing the log failed", e.getCause());
      return false;
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /** {@link #shutdown()}. */
  @Override
  public void close() {
    shutdown();
  }

  /** The variables the node reads (names only), for help output. */
  static List<String> variableNames() {
    return ServerSettings.VARIABLES.stream().map(java.util.Map.Entry::getKey).toList();
  }
}
