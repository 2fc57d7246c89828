package io.committed.internal.state;

/**
 * The replicated state and the lock that guards it. The {@link StateMachine} applies commands to
 * it and replaces it on restore; everyone else reads it through {@link #view()}.
 */
public final class StateStore {
  private final StateView view = new StateQueries(this);
  private LogState state = new LogState(); // guarded by this

  /** The read-only view of this state. */
  public StateView view() {
    return view;
  }

  /** The current state; the caller holds this store's monitor while it uses it. */
  LogState state() {
    return state;
  }

  /** Replaces the whole state (a restored snapshot); the caller holds this store's monitor. */
  void replace(LogState restored) {
    state = restored;
  }
}
