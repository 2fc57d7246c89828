package io.committed.engine;

import io.committed.api.LogClosedException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The start/stop bookkeeping every {@link LogEngine} needs, for engine authors: the lifecycle state
 * (an enum changed by compare-and-set), the callback thread that completes submissions' futures
 * (never the caller's thread, never the apply thread), and the error for work after close.
 *
 * <ol>
 *   <li>Create it with the engine; the callback thread starts with it.
 *   <li>Call {@link #start} first thing in {@link LogEngine#start}: a second start fails.
 *   <li>Check {@link #isClosed} before taking work; fail it with {@link #closedException()}.
 *   <li>In {@link LogEngine#close}, go on only if {@link #close()} returns true (close is idempotent),
 *       and end with {@link #shutdownCallbacks()}, which runs the callbacks already queued.
 * </ol>
 *
 * <p>Thread-safe.
 */
public final class EngineLifecycle {

  /** Where an engine is in its life. */
  public enum State {
    /** Created, not started yet. */
    NEW,
    /** Started and not closed: takes submissions. */
    RUNNING,
    /** Closed (possibly without having started): takes nothing any more. */
    CLOSED
  }

  private static final long CALLBACKS_DRAIN_SECONDS = 10;

  private final String groupId;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final ExecutorService callbacks;

  /**
   * @param groupId the log's group id, for the closed-log message
   * @param callbackThreadName the name of the (daemon) callback thread
   */
  public EngineLifecycle(String groupId, String callbackThreadName) {
    this.groupId = groupId;
    // A callback that arrives after the shutdown (a late completion during close) runs on the
    // caller's thread rather than being dropped: a future must never be left uncompleted.
    this.callbacks = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), task -> {
          Thread t = new Thread(task, callbackThreadName);
          t.setDaemon(true);
          return t;
        }, (task, executor) -> task.run());
  }

  /**
   * Moves from {@link State#NEW} to {@link State#RUNNING}.
   *
   * @throws IllegalStateException when the engine was started or closed already
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(state.get() == State.CLOSED ? "engine is closed" : "engine already started");
    }
  }

  /**
   * Moves to {@link State#CLOSED}.
   *
   * @return true for the call that closed it, false when it was closed already
   */
  public boolean close() {
    State s;
    do {
      s = state.get();
      if (s == State.CLOSED) {
        return false;
      }
    } while (!state.compareAndSet(s, State.CLOSED));
    return true;
  }

  /** The current state. */
  public State state() {
    return state.get();
  }

  /** True between {@link #start} and {@link #close()}. */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return state.get() == State.CLOSED;
  }

  /**
   * The single thread that completes submissions' futures, in the order given to it. After
   * {@link #shutdownCallbacks} a task runs on the thread that gives it, so that no completion is
   * lost.
   */
  public Executor callbacks() {
    return callbacks;
  }

  /** A new "log '<group>' is closed" error, for submissions refused or failed by the close. */
  public LogClosedException closedException() {
    return new LogClosedException("log '" + groupId + "' is closed");
  }

  /**
   * Stops the callback thread once it has run what is queued (waiting up to 10 seconds). Call it
   * last in close, after everything that completes futures has stopped.
   */
  public void shutdownCallbacks() {
    callbacks.shutdown();
    try {
      callbacks.awaitTermination(CALLBACKS_DRAIN_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the callback thread at once, dropping what is queued: for an engine that failed to start. */
  public void shutdownCallbacksNow() {
    callbacks.shutdownNow();
  }
}
