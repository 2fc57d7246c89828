package io.committed.internal.ingest;

import io.committed.CommittedLog;
import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.api.CommittedException;
import io.committed.api.NotFoundException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.state.Command;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.IngestableFactory;
import io.committed.spi.LiveKeyScan;
import io.committed.spi.PluginConfig;
import io.committed.spi.SourcePosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an ingestable: the {@link IngestContext} it is given, and the serial chain that
 * fences it. Each command of a run carries the ingestable's next serial; the state machine refuses
 * a serial that does not follow the last one committed, so once one proposal of a run fails, every
 * later one fails too, and a run that another run replaced can commit nothing.
 *
 * <p>The supervisor makes one per attempt; the testkit makes them for plug-in tests.
 */
public final class IngestSession implements IngestContext, LiveKeyScan {
  private static final Logger LOG = LoggerFactory.getLogger(IngestSession.class);
  /** Bytes of a write command besides its body, ingestable id and position state. */
  private static final int COMMAND_OVERHEAD = 64;

  /** What the session tells its owner. Called on the threads that complete proposals. */
  public interface Events {
    /** A proposal of the session was committed (or was a redelivery). */
    default void committed() {}

    /** The ingestable reported its status. */
    default void reported(IngestStatus status) {}
  }

  private final IngestHost host;
  private final String id;
  private final NodeConfig root;
  private final PluginDocument doc;
  private final BooleanSupplier stopping;
  private final Events events;
  private long serial;
  private CompletableFuture<?> lastSubmitted = CompletableFuture.completedFuture(null);
  private volatile Throwable failure;
  private volatile boolean closed;

  /**
   * A run of the ingestable configured by {@code config}, continuing from the serial the state
   * machine holds now.
   *
   * @param stopping true once the owner wants the run to end
   */
  public IngestSession(IngestHost host, ConfigDocument config, BooleanSupplier stopping, Events events) {
    this.host = host;
    this.id = config.id();
    this.serial = host.state().ingestPosition(id).serial();
    this.root = host.configs().parse(config, true);
    this.doc = PluginDocument.of(ConfigKind.INGESTABLE, root);
    this.stopping = stopping;
    this.events = events;
  }

  /**
   * A session on the current config of ingestable {@code ingestableId} of {@code log}: what the
   * testkit gives plug-in tests. The log must be one that Committed's builder started.
   *
   * @throws io.committed.api.NotFoundException when the ingestable is not defined
   */
  public static IngestSession open(CommittedLog log, String ingestableId, BooleanSupplier stopping, Events events) {
    if (!(log instanceof IngestHost.Provider provider)) {
      throw new IllegalArgumentException("not a log started by Committed's builder: " + log.getClass().getName());
    }
    IngestHost host = provider.ingestHost();
    ConfigDocument doc = host.state().currentConfig(ConfigKind.INGESTABLE, ingestableId).orElseThrow(() ->
        new NotFoundException("ingestable '" + ingestableId + "' is not defined"));
    return new IngestSession(host, doc, stopping, events);
  }

  /** The factory the config names. */
  public IngestableFactory factory() {
    return host.configs().plugins().ingestable(doc.header().path() + ".type", doc.kind(), doc.dialect());
  }

  /** The first failure of this run (a refused or failed proposal, a bad argument), if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Ends the run: later proposals fail at once. Then waits, up to {@code grace}, until its last
   * proposal has an outcome, so that the next run reads the serial this one leaves behind.
   */
  public void close(Duration grace) {
    CompletableFuture<?> last;
    synchronized (this) {
      closed = true;
      last = lastSubmitted;
    }
    try {
      last.get(grace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // its outcome is all we wait for
    }
  }

  @Override
  public String ingestableId() {
    return id;
  }

  @Override
  public PluginConfig document() {
    return root;
  }

  @Override
  public PluginConfig config() {
    return doc.section();
  }

  @Override
  public Optional<SourcePosition> position() {
    return host.state().ingestPosition(id).position();
  }

  @Override
  public CompletableFuture<Long> propose(Proposal proposal, SourcePosition position) {
    List<byte[]> parts;
    try {
      requirePosition(position);
      parts = host.prepareParts(proposal, COMMAND_OVERHEAD + id.length() + position.state().length);
    } catch (RuntimeException e) {
      return fail(e);
    }
    if (parts.size() == 1) {
      return observed(submit(List.of(s -> new Command.Write(parts.get(0), mark(s, position)))));
    }
    List<LongFunction<Command>> commands = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      int part = i + 1;
      byte[] body = parts.get(i);
      boolean last = part == parts.size();
      commands.add(s -> new Command.WritePart(id, s, part, parts.size(), body,
          last ? position.sequence() : 0, last ? position.state() : new byte[0]));
    }
    return observed(submit(commands));
  }

  @Override
  public CompletableFuture<Long> commitPosition(SourcePosition position) {
    try {
      requirePosition(position);
    } catch (RuntimeException e) {
      return fail(e);
    }
    return submit(List.of(s -> new Command.IngestPosition(mark(s, position))));
  }

  private static void requirePosition(SourcePosition position) {
    if (position == null) {
      throw new IllegalArgumentException("position is required");
    }
  }

  private Command.IngestMark mark(long s, SourcePosition position) {
    return new Command.IngestMark(id, s, position.sequence(), position.state());
  }

  /** Tells the observer about a committed (or deduplicated) source transaction. */
  private CompletableFuture<Long> observed(CompletableFuture<Long> f) {
    return f.thenApply(index -> {
      host.observer().ingestCommitted(id, index == 0);
      return index;
    });
  }

  /** Submits commands with consecutive serials; the future is the last one's. */
  private CompletableFuture<Long> submit(List<LongFunction<Command>> commands) {
    CompletableFuture<ApplyResult> submitted = null;
    synchronized (this) { // serials and submission order must agree
      if (closed || stopping.getAsBoolean()) {
        return fail(new RetriableException("ingest run of '" + id + "' is stopping", false));
      }
      if (failure != null) {
        return fail(new RetriableException("an earlier proposal of this ingest run failed; restart from the"
            + " committed position", false, failure));
      }
      for (LongFunction<Command> command : commands) {
        // an earlier part's failure fences the later ones in the log: only the last one matters
        submitted = host.submit(command.apply(++serial));
      }
      lastSubmitted = submitted;
    }
    return submitted.handle((r, err) -> {
      Throwable problem = err != null ? err
          : r.accepted() ? null : new ProposalRejectedException(r.rejection(), r.message());
      if (problem != null) {
        if (problem instanceof CompletionException && problem.getCause() != null) {
          problem = problem.getCause();
        }
        if (failure == null) {
          failure = problem;
        }
        throw problem instanceof RuntimeException re ? re : new CommittedException(problem.toString(), problem);
      }
      events.committed();
      return r.value();
    });
  }

  private CompletableFuture<Long> fail(Throwable e) {
    if (failure == null) {
      failure = e;
    }
    return CompletableFuture.failedFuture(e);
  }

  @Override
  public boolean stopRequested() {
    return closed || stopping.getAsBoolean();
  }

  @Override
  public Optional<LiveKeyScan> liveKeys() {
    return Optional.of(this);
  }

  @Override
  public java.util.List<io.committed.spi.SnapshotRequest> snapshotRequests() {
    return host.state().snapshotRequests(id);
  }

  @Override
  public java.util.OptionalInt publishSchema(String typeId, String jsonSchema) {
    Objects.requireNonNull(typeId, "typeId");
    Objects.requireNonNull(jsonSchema, "jsonSchema");
    return host.publishSchema(id, typeId, jsonSchema);
  }

  @Override
  public void forEachLiveKey(String typeId, Consumer<byte[]> action) {
    Objects.requireNonNull(typeId, "typeId");
    Objects.requireNonNull(action, "action");
    long upTo = host.lastIndex();
    long started = System.nanoTime();
    int[] keys = {0};
    LiveKeys.forEach(host::read, upTo, typeId, key -> {
      keys[0]++;
      action.accept(key);
    });
    LOG.info("ingestable '{}' scanned log entries 1 to {} for the live keys of type '{}': {} keys, {} ms", id,
        upTo, typeId, keys[0], (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public void reportStatus(IngestStatus status) {
    events.reported(Objects.requireNonNull(status, "status"));
  }
}
