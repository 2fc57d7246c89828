package io.committed.internal;

import io.committed.api.LogClosedException;
import java.util.concurrent.atomic.AtomicReference;

/** A log's lifecycle, changed by compare-and-set: starting, then running, then closed. */
final class LogLifecycle {
  private enum State { STARTING, RUNNING, CLOSED }

  private final String groupId;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  LogLifecycle(String groupId) {
    this.groupId = groupId;
  }

  /** From starting to running; false when the log was started (or closed) before. */
  boolean start() {
    return state.compareAndSet(State.STARTING, State.RUNNING);
  }

  /** To closed; false when it was closed already. */
  boolean close() {
    return state.getAndSet(State.CLOSED) != State.CLOSED;
  }

  boolean isClosed() {
    return state.get() == State.CLOSED;
  }

  /** Changes and proposals need a running log. */
  void checkOpen() {
    State s = state.get();
    if (s != State.RUNNING) {
      throw new LogClosedException("log '" + groupId + "' is " + (s == State.CLOSED ? "closed" : "not started"));
    }
  }

  /** Reads need a log that is not closed (a starting log reads what it replayed so far). */
  void checkReadable() {
    if (state.get() == State.CLOSED) {
      throw new LogClosedException("log '" + groupId + "' is closed");
    }
  }
}
