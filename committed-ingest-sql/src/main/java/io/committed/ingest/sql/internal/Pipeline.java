package io.committed.ingest.sql.internal;

import io.committed.api.ProposalRejectedException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The proposals in flight, in the order they were made (the log commits them in that order),
 * bounded in count and bytes so that a fast source cannot outrun the log. Tells the highest source
 * position (PostgreSQL's LSN, the binlog's sequence) whose proposal, and every one before it, is
 * committed: only up to there may the source be acknowledged. Used by the ingest thread only
 * (proposals complete on the log's threads and wake {@link #awaitProgress}).
 */
public final class Pipeline {
  /** A proposal in flight; {@code lsn} 0 for snapshot chunks, which acknowledge nothing. */
  private record Item(long lsn, long bytes, CompletableFuture<Long> future) {}

  /** The ingestable was asked to stop while it waited. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Stopped() {
      super("stop requested", null, false, false);
    }
  }

  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private final int maxItems;
  private final long maxBytes;
  private final BooleanSupplier stop;
  private long bytes;
  private long committedLsn;
  private long proposals;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progressed = lock.newCondition();
  private boolean completedSinceWait;

  public Pipeline(int maxItems, long maxBytes, BooleanSupplier stop) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.stop = stop;
  }

  public void add(long lsn, long size, CompletableFuture<Long> future) {
    items.add(new Item(lsn, size, future));
    bytes += size;
    proposals++;
    future.whenComplete((v, e) -> completed());
  }

  private void completed() {
    lock.lock();
    try {
      completedSinceWait = true;
      progressed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code nanos} for a proposal in flight to complete; returns at once when one has
   * completed since the last call. For an idle stream: acknowledge as soon as a commit allows it.
   *
   * @throws Stopped when the thread is interrupted (the ingestable is asked to stop)
   */
  public void awaitProgress(long nanos) {
    lock.lock();
    try {
      if (!completedSinceWait) {
        progressed.awaitNanos(nanos);
      }
      completedSinceWait = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    } finally {
      lock.unlock();
    }
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public boolean full() {
    return items.size() >= maxItems || bytes >= maxBytes;
  }

  /** The highest LSN committed with everything before it; 0 before any. */
  public long committedLsn() {
    return committedLsn;
  }

  public long proposals() {
    return proposals;
  }

  /**
   * Takes the committed proposals off the head.
   *
   * @throws ProposalFailedException when one failed: the run must end
   * @throws SourceException when one was refused for an undefined type (a restart would not help)
   */
  public void drain() {
    while (!items.isEmpty() && items.peek().future().isDone()) {
      settle(items.poll());
    }
  }

  /** Waits until there is room, calling {@code keepAlive} at least every {@code every} while waiting. */
  public void awaitRoom(Runnable keepAlive, long everyMillis) {
    drain();
    while (full()) {
      awaitHead(keepAlive, everyMillis);
    }
  }

  /** Waits until every proposal is committed. */
  public void awaitAll(Runnable keepAlive, long everyMillis) {
    drain();
    while (!items.isEmpty()) {
      awaitHead(keepAlive, everyMillis);
    }
  }

  private void awaitHead(Runnable keepAlive, long everyMillis) {
    long waited = 0;
    while (true) {
      if (stop.getAsBoolean()) {
        throw new Stopped();
      }
      try {
        items.peek().future().get(Math.min(everyMillis, 200), TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        waited += Math.min(everyMillis, 200);
        if (waited >= everyMillis) {
          keepAlive.run();
          waited = 0;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Stopped();
      } catch (ExecutionException e) {
        break; // settle reports it
      }
    }
    settle(items.poll());
  }

  private void settle(Item item) {
    bytes -= item.bytes();
    try {
      item.future().join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ProposalRejectedException r && parkIfUndefinedType(r) instanceof SourceException park) {
        throw park;
      }
      throw new ProposalFailedException("a proposal was not committed (" + cause.getMessage()
          + "); restarting from the committed position", cause);
    }
    if (item.lsn() > committedLsn) {
      committedLsn = item.lsn();
    }
  }

  /**
   * The exception to end a run with for a refused proposal: a {@link SourceException} (the ingestable
   * parks) when it writes an undefined type, since the same source transaction would be refused again
   * after a restart; otherwise {@code refused} itself.
   */
  public static RuntimeException parkIfUndefinedType(ProposalRejectedException refused) {
    if (refused.reason() != ProposalRejectedException.Reason.TYPE_NOT_FOUND) {
      return refused;
    }
    return new SourceException("a source transaction was refused because it writes an undefined type ("
        + refused.getMessage() + "): define the type (an outbox routes to the type its aggregate type column"
        + " names), then resume the ingestable");
  }

  /** A proposal failed; the supervisor restarts the ingestable from its committed position. */
  public static final class ProposalFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProposalFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
